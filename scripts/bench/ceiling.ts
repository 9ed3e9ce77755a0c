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
import { createSchema, createYoga } from 'graphql-yoga';
import { generatedInvitationId, generatedProjectId } from '../../src/simulator/demo-data.ts';

const latencyMs = Number(process.env['LATENCY_MS'] ?? 0);
const mode = process.env['CEILING'] ?? 'yoga';

/** Ten invitations as the gateway renders them for the benchmark's seed. */
const invitations = Array.from({ length: 10 }, (_, index) => ({
  id: generatedInvitationId(0, index),
  username: `user${index}@example.com`,
  roles: ['GROUP_READ_ONLY'],
  createdAt: '2026-11-22T10:00:00Z',
  expiresAt: '2026-12-22T10:00:00Z',
  expired: false,
}));

const typeDefs = /* GraphQL */ `
  scalar ObjectID
  type Invitation { id: ObjectID! username: String! roles: [String!]! createdAt: String! expiresAt: String! expired: Boolean! }
  type Project { id: ObjectID! invitations: [Invitation!] }
  type Query { project(id: ObjectID!): Project }
`;

function yogaHandler() {
  return createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        Query: { project: (_root: unknown, { id }: { id: string }) => ({ id }) },
        // The wait stands where the gateway's one upstream call is.
        Project: { invitations: async () => (await sleep(latencyMs), invitations) },
      },
    }),
    logging: false,
  });
}

function httpHandler() {
  const answer = JSON.stringify({ data: { project: { id: generatedProjectId(0), invitations } } });
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

const server = createServer(mode === 'http' ? httpHandler() : yogaHandler());
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => console.log(`ceiling (${mode}) listening`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
