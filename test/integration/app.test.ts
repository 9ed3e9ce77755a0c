import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { DEMO_API_KEY, DEMO_PROJECT_IDS, type Simulator, startSimulator } from '../../src/simulator/index.ts';

const silent = createLogger({ level: 'silent' });
const READ = JSON.stringify({ query: `{ project(id: "${DEMO_PROJECT_IDS[0]}") { invitations { id } } }` });

async function read(app: App, path = '/graphql') {
  const response = await app.gateway.fetch(`http://app.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: READ });
  return (await response.json()) as { data?: { project: { invitations: unknown[] } } };
}

describe('createApp: the one composition root', () => {
  let app: App | undefined;
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await app?.close();
    await simulator?.close();
    app = simulator = undefined;
  });

  it('with no upstream configured, starts the embedded simulator and talks to it; close() stops it', async () => {
    app = await createApp(loadConfig({ AUDIT_LOG: 'off' }), { logger: silent });
    expect(app.simulator).toBeDefined();
    expect(app.upstreamUrl).toBe(app.simulator!.baseUrl);
    expect((await read(app)).data?.project.invitations.length).toBeGreaterThan(0);
    expect(app.subgraph).toBeUndefined();
    const { baseUrl } = app.simulator!;
    await app.close();
    app = undefined;
    await expect(fetch(baseUrl)).rejects.toThrow();
  });

  it('with OPS_MANAGER_* set, starts no simulator and uses that Ops Manager; the subgraph when FEDERATION_SUBGRAPH asks', async () => {
    simulator = await startSimulator();
    const config = loadConfig({
      OPS_MANAGER_BASE_URL: simulator.baseUrl,
      OPS_MANAGER_PUBLIC_KEY: DEMO_API_KEY.publicKey,
      OPS_MANAGER_PRIVATE_KEY: DEMO_API_KEY.privateKey,
      ALLOW_UNAUTHENTICATED: 'true',
      AUDIT_LOG: 'off',
      FEDERATION_SUBGRAPH: 'true',
    });
    app = await createApp(config, { logger: silent });
    expect(app.simulator).toBeUndefined();
    expect((await read(app)).data?.project.invitations.length).toBeGreaterThan(0);
    expect(simulator.counters.snapshot().authenticated).toBe(1);
    expect(app.subgraph).toBeDefined();
  });
});
