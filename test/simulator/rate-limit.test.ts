import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS, type Simulator, startSimulator } from '../../src/simulator/index.ts';
import { ProjectRateLimit } from '../../src/simulator/rate-limit.ts';
import { TestApiClient } from './client.ts';

describe('the per-project rate limit (Atlas: 100 requests per minute per project)', () => {
  it('counts per project in one-minute windows and says how long is left', () => {
    let now = 0;
    const limit = new ProjectRateLimit(2, () => now);
    expect([limit.take('P'), limit.take('p')]).toEqual([undefined, undefined]);
    now = 15_000;
    expect(limit.take('P')).toBe(45);
    expect(limit.take('Q')).toBeUndefined();
    now = 60_000;
    expect(limit.take('P')).toBeUndefined();
    limit.set(0);
    for (let i = 0; i < 10; i += 1) expect(limit.take('P')).toBeUndefined();
  });
});

describe('the simulator with SIMULATOR_RATE_LIMIT_PER_MINUTE', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 3 });
  });
  afterAll(() => simulator.close());

  it("answers 429 RATE_LIMITED with Retry-After and Atlas's error body past the limit, per project; off by default", async () => {
    const api = new TestApiClient(simulator);
    const [payments, marketing] = DEMO_PROJECT_IDS as [string, string];
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api.get(`/groups/${payments}/invites`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await api.get(`/groups/${payments}/invites`);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.json).toMatchObject({
      error: 429,
      errorCode: 'RATE_LIMITED',
      reason: 'Too Many Requests',
      parameters: [expect.any(String), 3, 1],
    });
    expect((await api.get(`/groups/${marketing}/invites`)).status).toBe(200);
    simulator.setRateLimit(0);
    expect((await api.get(`/groups/${payments}/invites`)).status).toBe(200);

    const plain = await startSimulator();
    const fresh = new TestApiClient(plain);
    for (let i = 0; i < 120; i += 1) expect((await fresh.get(`/groups/${payments}/invites`)).status).toBe(200);
    await plain.close();
  });
});
