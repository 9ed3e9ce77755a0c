import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPLAYED_HEADER } from '../../src/plugins/use-idempotency.ts';
import { DEMO_PROJECT_IDS, type Simulator } from '../../src/simulator/index.ts';
import type { GatewayProcess } from '../e2e/gateway-process.ts';
import { metricValue } from '../metrics.ts';
import { type RedisServer, startRedis } from './redis-server.ts';
import { startReplica, startReplicaPair, stopReplicaPair } from './replica-process.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const CREATE_ROUTE = 'POST /groups/{groupId}/invites';
const CREATE = `mutation($p: ObjectID!, $u: EmailAddress!) {
  createInvitation(projectId: $p, username: $u, roles: [GROUP_READ_ONLY]) { __typename ... on InvitationCreated { invitation { id } } ... on Error { code } }
}`;

type Replica = GatewayProcess;

/** One gateway process, as production runs it, against the shared simulator and Redis. */
const startKeyedReplica = (simulator: Simulator, redisUrl: string) =>
  startReplica(
    simulator,
    { ALLOW_UNAUTHENTICATED: 'true', IDEMPOTENCY_REDIS_URL: redisUrl },
    'Idempotency store (Redis) ready',
  );

async function send(replica: Replica, variables: Record<string, unknown>, key: string) {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ query: CREATE, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as any,
    replayed: response.headers.get(REPLAYED_HEADER),
  };
}

const storeErrors = (replica: Replica) =>
  metricValue(replica.url, 'gateway_idempotency_requests_total{outcome="store_error"}');

describe('two gateway replicas sharing idempotency keys through Redis', () => {
  let simulator: Simulator;
  let redis: RedisServer;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    ({ simulator, redis, a, b } = await startReplicaPair(startKeyedReplica));
  });
  afterAll(() => stopReplicaPair({ simulator, redis, a, b }));
  beforeEach(() => {
    simulator.counters.reset();
    simulator.faults.clear();
  });

  it('a change sent to one replica and retried on the other with the same key is applied once', async () => {
    const variables = { p: payments, u: 'replicated@example.com' };
    const first = await send(a, variables, 'replica-key-1');
    expect(first.body.data.createInvitation.__typename).toBe('InvitationCreated');
    const retry = await send(b, variables, 'replica-key-1');
    expect(retry.replayed).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(simulator.counters.snapshot().byRoute[CREATE_ROUTE]).toBe(1);
    expect(
      simulator.store.listInvitations(payments).filter((i) => i.username === 'replicated@example.com'),
    ).toHaveLength(1);
  });

  it('a retry on the other replica while the first still runs gets 409; other variables with the key get 422', async () => {
    simulator.faults.inject({ kind: 'latency', ms: 1_000 }, { match: { route: CREATE_ROUTE } });
    const variables = { p: payments, u: 'slow.replica@example.com' };
    const first = send(a, variables, 'replica-key-2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await send(b, variables, 'replica-key-2');
    expect(during.status).toBe(409);
    expect(during.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect((await first).body.data.createInvitation.__typename).toBe('InvitationCreated');
    const reused = await send(b, { p: payments, u: 'someone.else@example.com' }, 'replica-key-2');
    expect(reused.status).toBe(422);
    expect(simulator.counters.snapshot().byRoute[CREATE_ROUTE]).toBe(1);
  });

  it('with Redis down, changes still work (without the guarantee), logged and counted; it recovers', async () => {
    await redis.stop();
    const before = await storeErrors(a);
    const result = await send(a, { p: payments, u: 'redis.down@example.com' }, 'replica-key-3');
    expect(result.body.data.createInvitation.__typename).toBe('InvitationCreated');
    expect(await storeErrors(a)).toBeGreaterThan(before);
    expect(
      a.lines.some((line) => line.msg === 'Idempotency store unavailable: the mutation runs without its key'),
    ).toBe(true);

    redis = await startRedis(redis.port);
    // Both replicas reconnect by themselves (each logs "ready" a second time).
    const readyTwice = (replica: Replica) =>
      replica.lines.filter((line) => line.msg === 'Idempotency store (Redis) ready').length >= 2;
    const until = Date.now() + 20_000;
    while (!(readyTwice(a) && readyTwice(b)) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect([readyTwice(a), readyTwice(b)]).toEqual([true, true]);
    const variables = { p: payments, u: 'redis.back@example.com' };
    await send(a, variables, 'replica-key-4');
    const retry = await send(b, variables, 'replica-key-4');
    expect(retry.replayed).toBe('true');
  });
});
