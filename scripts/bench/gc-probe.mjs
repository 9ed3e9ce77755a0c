/**
 * Preloaded into the gateway by the benchmark's memory phase only (`node --expose-gc --import
 * ./scripts/bench/gc-probe.mjs dist/main.js`): a second listener on 127.0.0.1, on a port of its
 * own, whose GET runs a full GC and answers process.memoryUsage(); GET /heap-snapshot writes a
 * heap snapshot (in the system's temporary directory) and answers its path, for
 * scripts/bench/heap-census.ts. The gateway itself has no way to force a GC: nothing here ships
 * in dist/ or in the image.
 */
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

if (typeof globalThis.gc !== 'function') throw new Error('gc-probe needs node --expose-gc');
const gc = globalThis.gc;

const server = createServer((request, response) => {
  // Twice: the first pass may only unlink what a FinalizationRegistry or a weak map still held.
  gc();
  gc();
  if (request.url === '/heap-snapshot') {
    const file = writeHeapSnapshot(join(tmpdir(), `gateway-${process.pid}-${Date.now()}.heapsnapshot`));
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(file);
    return;
  }
  const usage = process.memoryUsage();
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(usage));
});
server.listen(0, '127.0.0.1', () => {
  console.error(`gc-probe listening: ${server.address().port}`);
});
// The probe never keeps the gateway alive on its own (its shutdown closes only its own server).
server.unref();
