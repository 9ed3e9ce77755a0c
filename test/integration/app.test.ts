import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type FetchLike, wrapAsFetch } from '../fetch-send.ts';
import { createLogger } from '../../src/logger.ts';
import { DEMO_API_KEY, DEMO_PROJECT_IDS, type Simulator, startSimulator } from '../../src/simulator/index.ts';

const silent = createLogger({ level: 'silent' });
const READ = JSON.stringify({ query: `{ project(id: "${DEMO_PROJECT_IDS[0]}") { invitations { id } } }` });

async function read(app: App, path = '/graphql') {
  const response = await app.gateway.fetch(`http://app.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: READ,
  });
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

  it('UPSTREAM_COALESCE_READS=false reaches the upstream: concurrent identical reads each send their own GET', async () => {
    // GETs are held on their way out until released, so that "in flight at once" is a fact of the test.
    let holding = false;
    const waiting: Array<() => void> = [];
    const wrapTransport = wrapAsFetch(
      (fetch: FetchLike): FetchLike =>
        async (input, init) => {
          if (holding) await new Promise<void>((resolve) => waiting.push(resolve));
          return fetch(input, init);
        },
    );
    const until = async (condition: () => boolean) => {
      for (const deadline = Date.now() + 5_000; !condition(); await new Promise((resolve) => setTimeout(resolve, 5))) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
      }
    };
    app = await createApp(loadConfig({ AUDIT_LOG: 'off', UPSTREAM_COALESCE_READS: 'false' }), {
      logger: silent,
      wrapTransport,
    });
    await read(app); // the Digest handshake, out of the way
    app.simulator!.counters.reset();
    holding = true;
    const reads = Array.from({ length: 4 }, () => read(app!));
    // Two GETs of one project on the wire at once: with coalescing on, the second would have joined the first.
    await until(() => waiting.length >= 2);
    holding = false;
    for (const go of waiting.splice(0)) go();
    for (const answer of await Promise.all(reads)) expect(answer.data?.project.invitations.length).toBeGreaterThan(0);
    expect(app.simulator!.counters.snapshot().authenticated).toBe(4);
    expect(app.upstream.status().readsCoalesced).toBe(0);
  });
});
