import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchDigestClient, type FetchLike } from '../fetch-send.ts';
import {
  DEMO_API_KEY,
  DEMO_PROJECT_IDS,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.ts';

// The DigestClient against the project's Ops Manager simulator: real HTTP, real Digest, nonce
// counts checked (a count not above the highest seen for the nonce is refused), counted server-side.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup(options: SimulatorOptions = {}, password = DEMO_API_KEY.privateKey) {
  const simulator: Simulator = await startSimulator({ checkNonceCount: true, ...options });
  // As wide as the calls in flight, as the gateway's pool is (UPSTREAM_MAX_IN_FLIGHT sockets for as
  // many requests): a request waits for a socket being freed rather than opening one more, on
  // which a count signed before others would arrive after them.
  const agent = new Agent({ connections: 50 });
  cleanups.push(
    () => simulator.close(),
    () => agent.close(),
  );
  const fetch = ((input, init) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as FetchLike;
  const client = new FetchDigestClient({ credentials: { username: DEMO_API_KEY.publicKey, password }, fetch });
  const listUrl = `${simulator.baseUrl}/groups/${DEMO_PROJECT_IDS[0]}/invites`;
  return { simulator, client, listUrl };
}

const LIST_ROUTE = 'GET /groups/{groupId}/invites';

describe('DigestClient against the Ops Manager simulator', () => {
  it('lists invitations for 50 concurrent cold calls with 51 HTTP requests', async () => {
    const { simulator, client, listUrl } = await setup();
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.fetch(listUrl)));

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(Array.isArray(await responses[0]?.json())).toBe(true);
    expect(simulator.counters.snapshot()).toMatchObject({
      requests: 51,
      challenges: 1,
      authenticated: 50,
      byRoute: { [LIST_ROUTE]: 50 },
    });
  });

  it('costs at most 1.01 HTTP requests per call over 1,000 GETs at 50-way concurrency', async () => {
    const { simulator, client, listUrl } = await setup();
    let next = 0;
    let ok = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next++ < 1000) {
          const response = await client.fetch(`${listUrl}?pretty=false&call=${next}`);
          if (response.status === 200) ok += 1;
          await response.arrayBuffer();
        }
      }),
    );

    const { requests, challenges } = simulator.counters.snapshot();
    console.log(
      `simulator measurement: 1000 GETs at 50-way -> ${requests} HTTP requests (ratio ${(requests / 1000).toFixed(3)}, challenges ${challenges})`,
    );
    expect(ok).toBe(1000);
    expect(requests / 1000).toBeLessThanOrEqual(1.01);
  });

  it('renews the nonce once when the simulator calls it stale', async () => {
    let clock = Date.now();
    const { simulator, client, listUrl } = await setup({ nonceLifetimeMs: 60_000, now: () => clock });
    await Promise.all(Array.from({ length: 10 }, async () => (await client.fetch(listUrl)).arrayBuffer()));
    clock += 60_001;
    const responses = await Promise.all(Array.from({ length: 10 }, () => client.fetch(listUrl)));

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(simulator.counters.snapshot().staleChallenges).toBeGreaterThan(0);
    expect(client.stats.staleRenewals).toBe(1);
  });

  it('gives a wrong private key one clean 401 after 3 HTTP requests', async () => {
    const { simulator, client, listUrl } = await setup({}, 'not-the-private-key');
    const response = await client.fetch(listUrl);

    expect(response.status).toBe(401);
    expect(simulator.counters.snapshot()).toMatchObject({ requests: 3, challenges: 3, authenticated: 0 });
  });
});
