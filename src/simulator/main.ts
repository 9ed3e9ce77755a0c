/**
 * Standalone simulator: `tsx src/simulator/main.ts`. Listens on PORT or SIMULATOR_PORT (default
 * 8080) at 127.0.0.1 with the demo data, prints what a client needs, and stops on SIGINT/SIGTERM.
 * Test controls are served under /__simulator/ (see control.ts).
 */
import { DEMO_API_KEY, DEMO_PROJECTS, startSimulator } from './server.ts';

function readPort(): number {
  // An empty variable counts as unset (`PORT= tsx ...`).
  const raw = process.env['PORT'] || process.env['SIMULATOR_PORT'] || '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT/SIMULATOR_PORT must be an integer from 0 to 65535, got "${raw}"`);
    process.exit(2);
  }
  return port;
}

const simulator = await startSimulator({ port: readPort(), host: '127.0.0.1' });
console.log(`Ops Manager simulator listening: ${simulator.baseUrl}`);
console.log(`Digest API key: public "${DEMO_API_KEY.publicKey}", private "${DEMO_API_KEY.privateKey}"`);
for (const project of DEMO_PROJECTS) console.log(`Demo project ${project.id} ${project.name}`);
console.log(`Test controls: ${simulator.origin}/__simulator/counters (and faults, latency, reset)`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the simulator`);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
