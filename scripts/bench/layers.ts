/**
 * Where one single-project operation's CPU goes, layer by layer, in one fresh process (the
 * benchmark runs it as a child: SIMULATOR_URL, ROUNDS, OPERATIONS). Each layer does the same
 * logical work with more of the gateway around it, 8 at a time, and is measured with
 * process.cpuUsage over a fixed number of operations; layers alternate round by round and the
 * median round counts, since the machine is shared. Prints one JSON line per layer. LAYERS=a,b
 * runs only those, CONCURRENCY changes the 8 (to profile one layer: node --cpu-prof --import tsx).
 *
 *   digest          a Digest session over its own keep-alive pool: one GET, body read
 *   client          OpsManagerClient.listInvitations: the whole upstream pipeline, zod
 *   yoga            bare graphql-yoga in process (yoga.fetch), a schema of the same shape, data from memory
 *   gateway-memory  the gateway's Yoga in process, its upstream answered from memory
 *   gateway         the gateway's Yoga in process, through the real client to the simulator
 *   gateway-http    the same behind node:http on loopback (this process's HTTP client included)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import type { OpsManagerClient } from '../../src/ops-manager/client.ts';
import { DigestClient } from '../../src/ops-manager/digest.ts';
import { pooledTransport } from '../../src/ops-manager/transport.ts';
import { DEMO_API_KEY } from '../../src/simulator/demo-data.ts';
import { gatewayAuth } from './auth.ts';
import { median } from './peer/summary.ts';
import { createBareYoga } from './bare-yoga.ts';
import { singleProject } from './scenarios.ts';

export interface LayerFigures {
  layer: string;
  /** Median over rounds. */
  cpuMsPerOp: number;
  opsPerS: number;
}

const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 8);
const DEMO_KEY_ENV = {
  OPS_MANAGER_PUBLIC_KEY: DEMO_API_KEY.publicKey,
  OPS_MANAGER_PRIVATE_KEY: DEMO_API_KEY.privateKey,
};

async function main(): Promise<void> {
  const baseUrl = process.env['SIMULATOR_URL'];
  if (!baseUrl) throw new Error('SIMULATOR_URL is required');
  const rounds = Number(process.env['ROUNDS'] ?? 3);
  const operations = Number(process.env['OPERATIONS'] ?? 4_000);

  const logger = createLogger({ level: 'warn' });
  const auth = gatewayAuth('jwt');
  // As production runs it (jwt, limits, metrics), minus the audit trail's stdout.
  const config = loadConfig({
    NODE_ENV: 'production',
    OPS_MANAGER_BASE_URL: baseUrl,
    ...DEMO_KEY_ENV,
    AUDIT_LOG: 'off',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
    ...auth.env,
  });
  // Read coalescing off: 8 identical operations at a time would share GETs, and each layer is
  // meant to measure the work of one whole operation.
  const app = await createApp(config, { logger, coalesceReads: false });
  const { upstream, gateway } = app;
  const digestPool = pooledTransport({ connections: 32 });
  const digest = new DigestClient({
    credentials: { username: DEMO_API_KEY.publicKey, password: DEMO_API_KEY.privateKey },
  });
  const scenario = singleProject();
  const projectId = (JSON.parse(scenario.bodies[0]!) as { variables: { id: string } }).variables.id;
  const invitations = await upstream.client.listInvitations(projectId);

  const fromMemory = { listInvitations: async () => invitations, observer: {} } as unknown as OpsManagerClient;
  const memoryApp = await createApp(config, { logger, coalesceReads: false, client: fromMemory });
  const memoryGateway = memoryApp.gateway;
  const bare = createBareYoga();
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const agent = new Agent({ connections: CONCURRENCY });

  const headers = { 'content-type': 'application/json', accept: 'application/json', ...auth.headers };
  const body = scenario.bodies[0]!;
  const viaFetch =
    (handler: { fetch: (url: string, init: RequestInit) => Response | Promise<Response> }) => async () => {
      const text = await (
        await handler.fetch('http://gateway.bench/graphql', { method: 'POST', headers, body })
      ).text();
      if (!scenario.verify(text)) throw new Error(text.slice(0, 300));
    };
  const layers: Record<string, () => Promise<unknown>> = {
    digest: () =>
      digest.send(
        { url: `${baseUrl}/groups/${projectId}/invites`, method: 'GET', headers: { accept: 'application/json' } },
        digestPool.send,
      ),
    client: () => upstream.client.listInvitations(projectId),
    yoga: viaFetch(bare),
    'gateway-memory': viaFetch(memoryGateway),
    gateway: viaFetch(gateway),
    'gateway-http': async () => {
      const answer = await request(url, { method: 'POST', dispatcher: agent, headers, body });
      const text = await answer.body.text();
      if (answer.statusCode !== 200 || !scenario.verify(text)) throw new Error(text.slice(0, 300));
    },
  };

  const only = process.env['LAYERS']?.split(',');
  if (only) for (const name of Object.keys(layers)) if (!only.includes(name)) delete layers[name];
  const run = async (operation: () => Promise<unknown>, amount: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < amount) await operation();
      }),
    );
  };
  const samples = new Map<string, { cpu: number[]; rate: number[] }>();
  for (const [name, operation] of Object.entries(layers)) {
    await run(operation, operations / 2); // warm-up: the JIT compilers, the pools, the caches
    samples.set(name, { cpu: [], rate: [] });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, operation] of Object.entries(layers)) {
      const cpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      await run(operation, operations);
      const cpu = process.cpuUsage(cpuBefore);
      samples.get(name)!.cpu.push((cpu.user + cpu.system) / 1000 / operations);
      samples.get(name)!.rate.push(operations / ((performance.now() - startedAt) / 1000));
    }
  }
  for (const [layer, { cpu, rate }] of samples) {
    const figures: LayerFigures = {
      layer,
      cpuMsPerOp: Math.round(median(cpu) * 1000) / 1000,
      opsPerS: Math.round(median(rate)),
    };
    console.log(JSON.stringify(figures));
  }
  server.closeAllConnections();
  server.close();
  await agent.close();
  await app.close();
  await memoryApp.close();
  await digestPool.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
