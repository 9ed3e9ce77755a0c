import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/idempotency/store.ts';
import { DEMO_PROJECT_IDS } from '../../src/simulator/index.ts';
import { metricValue } from '../metrics.ts';
import { bearer, CREATE, JWT_ENV, post, READ } from './jwt-callers.ts';
import { LIST_ROUTE, type Stack, startStack } from './stack.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const CREATE_ROUTE = 'POST /groups/{groupId}/invites';
const listCalls = (stack: Stack, project: string) =>
  stack.simulator.counters.snapshot().byPath[`GET /api/public/v1.0/groups/${project}/invites`] ?? 0;

describe('per-caller budgets (jwt mode, 3 mutations and 5 queries a minute per caller)', () => {
  let stack: Stack;
  /** Idempotency keys claimed: a refused mutation must claim none, or its retry would find it "in use". */
  const claimed: string[] = [];
  beforeAll(async () => {
    const memory = createMemoryStore();
    const idempotencyStore = {
      ...memory,
      claim: (key: string, fingerprint: string, ttl: number) => (
        claimed.push(key), memory.claim(key, fingerprint, ttl)
      ),
    };
    stack = await startStack({
      logLevel: 'warn',
      idempotencyStore,
      env: { ...JWT_ENV, RATE_LIMIT_MUTATIONS_PER_MINUTE: '3', RATE_LIMIT_READS_PER_MINUTE: '5' },
    });
  });
  afterAll(() => stack.close());

  it('a caller over its mutation budget gets 429 RATE_LIMITED with Retry-After, and Ops Manager sees none of those requests', async () => {
    const alice = bearer('alice');
    const answers = [];
    for (let i = 0; i < 5; i += 1)
      answers.push(
        await post(
          stack.url,
          alice,
          CREATE,
          { p: payments, u: `budget${i}@example.com` },
          { 'idempotency-key': `budget-${i}` },
        ),
      );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expect(claimed).toHaveLength(3);
    for (const refused of answers.slice(3)) {
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      const seconds = Number(refused.retryAfter);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
      expect(refused.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(seconds);
    }
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(3);
    expect(
      await metricValue(
        stack.url,
        'gateway_rate_limited_requests_total{identity_class="jwt",operation_type="mutation"}',
      ),
    ).toBe(2);

    // Queries have their own budget, and another caller its own.
    expect((await post(stack.url, alice, READ, { p: payments })).status).toBe(200);
    expect(
      (await post(stack.url, bearer('bob'), CREATE, { p: payments, u: 'bob.budget@example.com' })).body.data
        .createInvitation.__typename,
    ).toBe('InvitationCreated');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(4);
  });

  it('the query budget is separate and counted the same way', async () => {
    const carol = bearer('carol');
    const before = stack.upstreamCalls(LIST_ROUTE);
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await post(stack.url, carol, READ, { p: analytics })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(stack.upstreamCalls(LIST_ROUTE) - before).toBe(5);
  });
});

describe("Ops Manager's 429 respected as a whole (one replica; test/redis proves it across two)", () => {
  let stack: Stack;
  beforeAll(async () => {
    // No retries: the 429's own call fails at once, so the test sees the pause, not a retry waiting it out.
    stack = await startStack({ logLevel: 'warn', retry: { maxRetries: 0 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.simulator.counters.reset();
    stack.simulator.faults.clear();
    stack.simulator.setRateLimit(0);
  });

  it('a 429 with Retry-After: 5 pauses that project: the next operations fail fast with the seconds left and send nothing', async () => {
    stack.simulator.faults.inject(
      { kind: 'status', status: 429, retryAfterSeconds: 5 },
      { match: { groupId: payments } },
    );
    const first = await post(stack.url, 'none', READ, { p: payments });
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterSeconds: 5 });
    const during = await Promise.all(Array.from({ length: 5 }, () => post(stack.url, 'none', READ, { p: payments })));
    for (const answer of during) {
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_RATE_LIMITED');
      expect(answer.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(answer.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(5);
    }
    expect(listCalls(stack, payments)).toBe(1);
    // Another project is not paused.
    expect((await post(stack.url, 'none', READ, { p: analytics })).body.data.project.invitations).toBeInstanceOf(Array);
    expect(await metricValue(stack.url, 'upstream_pauses_total{event="started"}')).toBeGreaterThanOrEqual(1);
    expect(await metricValue(stack.url, 'upstream_pauses_total{event="refused"}')).toBeGreaterThanOrEqual(5);
  });

  it("against the simulator's per-project limit: past it, one 429 reaches Ops Manager, the rest of the window costs it nothing", async () => {
    stack.simulator.setRateLimit(3);
    const codes = [];
    for (let i = 0; i < 8; i += 1)
      codes.push((await post(stack.url, 'none', READ, { p: analytics })).body.errors?.[0]?.extensions?.code ?? 'ok');
    expect(codes).toEqual(['ok', 'ok', 'ok', ...Array(5).fill('UPSTREAM_RATE_LIMITED')]);
    expect(listCalls(stack, analytics)).toBe(4);
  });
});
