/**
 * The ceilings the gateway is compared with at a fixed upstream latency: a server that answers
 * the single project query with the same JSON after the same wait, with no Ops Manager behind it.
 *
 *   CEILING=yoga  graphql-yoga with its defaults and a two-resolver SDL schema of the same shape:
 *                 the least a GraphQL server on the gateway's framework costs per operation.
 *   CEILING=http  node:http, the body read and a prepared answer written: what this machine and
 *                 the load generator allow at all.
 *
 * Run by the benchmark as a child process (PORT, LATENCY_MS); it serves /health for the start-up
 * probe and POST /graphql.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatedProjectId } from '../../src/simulator/demo-data.ts';
import { createBareYoga, TEN_INVITATIONS } from './bare-yoga.ts';

const latencyMs = Number(process.env['LATENCY_MS'] ?? 0);
const mode = process.env['CEILING'] ?? 'yoga';

function httpHandler() {
  const answer = JSON.stringify({ data: { project: { id: generatedProjectId(0), invitations: TEN_INVITATIONS } } });
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET') {
      response.end('{}');
      return;
    }
    request.resume();
    request.on('end', async () => {
      await sleep(latencyMs);
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer);
    });
  };
}

const server = createServer(mode === 'http' ? httpHandler() : createBareYoga(latencyMs));
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => console.log(`ceiling (${mode}) listening`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
