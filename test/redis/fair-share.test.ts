import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS, type Simulator } from '../../src/simulator/index.ts';
import type { GatewayProcess } from '../e2e/gateway-process.ts';
import { bearer, JWT_ENV, post, READ } from '../integration/jwt-callers.ts';
import { metricValue } from '../metrics.ts';
import { type RedisServer, startRedis } from './redis-server.ts';
import { startReplica, startReplicaPair, stopReplicaPair } from './replica-process.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const READS_PER_MINUTE = 8;
const READY = 'Shared state (Redis) ready: rate limits and upstream pauses';
const listCalls = (simulator: Simulator, project: string) =>
  simulator.counters.snapshot().byPath[`GET /api/public/v1.0/groups/${project}/invites`] ?? 0;

/** One gateway process in jwt mode, budgets and pauses in the shared Redis. */
const startBudgetedReplica = (simulator: Simulator, redisUrl: string) =>
  startReplica(
    simulator,
    {
      ...JWT_ENV,
      REDIS_URL: redisUrl,
      RATE_LIMIT_READS_PER_MINUTE: String(READS_PER_MINUTE),
      // The 429's own call fails at once: the test watches the pause, not a retry waiting it out.
      UPSTREAM_MAX_RETRIES: '0',
    },
    READY,
  );

const codeOf = (answer: Awaited<ReturnType<typeof post>>) => answer.body.errors?.[0]?.extensions?.code ?? 'ok';

describe('two gateway replicas sharing budgets and Ops Manager 429 pauses through Redis', () => {
  let simulator: Simulator;
  let redis: RedisServer;
  let a: GatewayProcess;
  let b: GatewayProcess;
  beforeAll(async () => {
    ({ simulator, redis, a, b } = await startReplicaPair(startBudgetedReplica));
  });
  afterAll(() => stopReplicaPair({ simulator, redis, a, b }));
  beforeEach(() => {
    simulator.counters.reset();
    simulator.faults.clear();
  });

  it('a flood split over both replicas is limited as one caller: one budget, and Ops Manager sees only that budget', async () => {
    const flooder = bearer('split-flooder');
    const answers = [];
    for (let i = 0; i < 2 * READS_PER_MINUTE; i += 1)
      answers.push(await post((i % 2 === 0 ? a : b).url, flooder, READ, { p: analytics }));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(READS_PER_MINUTE);
    expect(statuses.slice(READS_PER_MINUTE)).toEqual(Array(READS_PER_MINUTE).fill(429));
    // Refused on both replicas, each with a Retry-After.
    for (const refused of answers.slice(READS_PER_MINUTE)) {
      expect(codeOf(refused)).toBe('RATE_LIMITED');
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(listCalls(simulator, analytics)).toBe(READS_PER_MINUTE);
    // Another caller has a budget of its own.
    expect((await post(b.url, bearer('someone-else'), READ, { p: analytics })).status).toBe(200);
  });

  it('an Ops Manager 429 with Retry-After: 5 on one replica stops calls to that project on both, until it is over', async () => {
    simulator.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 5 }, { match: { groupId: payments } });
    const first = await post(a.url, bearer('pause-1'), READ, { p: payments });
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterSeconds: 5 });
    expect(listCalls(simulator, payments)).toBe(1);

    const onB = await post(b.url, bearer('pause-2'), READ, { p: payments });
    expect(codeOf(onB)).toBe('UPSTREAM_RATE_LIMITED');
    const left = onB.body.errors?.[0]?.extensions?.retryAfterSeconds as number;
    expect(left).toBeGreaterThanOrEqual(1);
    expect(left).toBeLessThanOrEqual(5);
    // Another project is not paused, on either replica.
    expect(codeOf(await post(b.url, bearer('pause-3'), READ, { p: analytics }))).toBe('ok');

    // Every operation before the pause ends fails fast on either replica without reaching Ops
    // Manager; the first one after it goes through. (A new caller each time: budgets are not the point.)
    let polls = 0;
    let answer = onB;
    while (codeOf(answer) === 'UPSTREAM_RATE_LIMITED' && polls < 40) {
      expect(listCalls(simulator, payments)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 250));
      polls += 1;
      answer = await post((polls % 2 === 0 ? a : b).url, bearer(`pause-poll-${polls}`), READ, { p: payments });
    }
    expect(codeOf(answer)).toBe('ok');
    expect(polls).toBeGreaterThan(1);
    expect(listCalls(simulator, payments)).toBe(2);
    expect(await metricValue(b.url, 'upstream_pauses_total{event="refused"}')).toBeGreaterThanOrEqual(1);
  });

  it('with Redis down, budgets and pauses fail open (counted), and both replicas reconnect', async () => {
    await redis.stop();
    const before = await metricValue(a.url, 'gateway_shared_state_errors_total{store="rate_limit"}');
    const caller = bearer('redis-down');
    const statuses = [];
    for (let i = 0; i < READS_PER_MINUTE + 2; i += 1)
      statuses.push((await post(a.url, caller, READ, { p: analytics })).status);
    expect(statuses).toEqual(Array(READS_PER_MINUTE + 2).fill(200));
    expect(await metricValue(a.url, 'gateway_shared_state_errors_total{store="rate_limit"}')).toBe(
      before + READS_PER_MINUTE + 2,
    );
    expect(
      await metricValue(a.url, 'gateway_shared_state_errors_total{store="upstream_pause"}'),
    ).toBeGreaterThanOrEqual(READS_PER_MINUTE + 2);

    redis = await startRedis(redis.port);
    const readyTwice = (replica: GatewayProcess) => replica.lines.filter((line) => line.msg === READY).length >= 2;
    const until = Date.now() + 20_000;
    while (!(readyTwice(a) && readyTwice(b)) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect([readyTwice(a), readyTwice(b)]).toEqual([true, true]);
    // The budget holds again (the restarted Redis is empty: a new window).
    const back = bearer('redis-back');
    const after = [];
    for (let i = 0; i < READS_PER_MINUTE + 1; i += 1)
      after.push((await post((i % 2 === 0 ? a : b).url, back, READ, { p: analytics })).status);
    expect(after.at(-1)).toBe(429);
  });
});
