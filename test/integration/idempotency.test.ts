import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPLAYED_HEADER } from '../../src/plugins/use-idempotency.ts';
import type { IdempotencyStore } from '../../src/idempotency/store.ts';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { registerSecret } from '../secrets-sweep.ts';
import { metricValue } from '../metrics.ts';
import { hs256Security, type Stack, startStack, useStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const CREATE_ROUTE = 'POST /groups/{groupId}/invites';
const CREATE = `mutation Create($p: ObjectID!, $u: EmailAddress!) {
  createInvitation(projectId: $p, username: $u, roles: [GROUP_READ_ONLY]) {
    __typename
    ... on InvitationCreated { invitation { id username roles } }
    ... on Error { code message }
  }
}`;

async function send(
  stack: Stack,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
  query = CREATE,
) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: any;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, body, replayed: response.headers.get(REPLAYED_HEADER) };
}

const metric = (stack: Stack, outcome: string) =>
  metricValue(stack.url, `gateway_idempotency_requests_total{outcome="${outcome}"}`);

describe('Idempotency-Key on mutations (in-memory store)', () => {
  const stack = useStack();

  it('a repeat with the same key gets the first answer again, without calling Ops Manager', async () => {
    const variables = { p: payments, u: 'repeat@example.com' };
    const first = await send(stack, variables, { 'idempotency-key': '"order-1"' });
    expect(first.body.data.createInvitation.__typename).toBe('InvitationCreated');
    expect(first.replayed).toBeNull();
    const again = await send(stack, variables, { 'idempotency-key': '"order-1"' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.replayed).toBe('true');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
    // Without a key the same request runs again, and Ops Manager refuses the duplicate.
    const unkeyed = await send(stack, variables);
    expect(unkeyed.body.data.createInvitation.code).toBe('INVITATION_ALREADY_EXISTS');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(2);
  });

  it('accepts the bare form of the header as well as the quoted one', async () => {
    const variables = { p: payments, u: 'bare@example.com' };
    await send(stack, variables, { 'idempotency-key': 'bare-key-1' });
    const again = await send(stack, variables, { 'idempotency-key': '"bare-key-1"' });
    expect(again.replayed).toBe('true');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
  });

  it('the same key with other variables is refused with 422 IDEMPOTENCY_KEY_REUSED, before Ops Manager', async () => {
    await send(stack, { p: payments, u: 'first@example.com' }, { 'idempotency-key': 'reused-key' });
    const other = await send(stack, { p: payments, u: 'second@example.com' }, { 'idempotency-key': 'reused-key' });
    expect(other.status).toBe(422);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.data).toBeUndefined();
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
    expect(stack.simulator.store.listInvitations(payments).some((i) => i.username === 'second@example.com')).toBe(
      false,
    );
  });

  it('a repeat while the first is still running is refused with 409 IDEMPOTENCY_KEY_IN_USE; once answered it replays', async () => {
    stack.simulator.faults.inject({ kind: 'latency', ms: 600 }, { match: { route: CREATE_ROUTE } });
    const variables = { p: payments, u: 'slow@example.com' };
    const first = send(stack, variables, { 'idempotency-key': 'slow-key' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await send(stack, variables, { 'idempotency-key': 'slow-key' });
    expect(during.status).toBe(409);
    expect(during.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect((await first).body.data.createInvitation.__typename).toBe('InvitationCreated');
    const after = await send(stack, variables, { 'idempotency-key': 'slow-key' });
    expect(after.replayed).toBe('true');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
  });

  it('an answer worth retrying (Ops Manager unavailable) is not kept: the retry with the same key runs', async () => {
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { route: CREATE_ROUTE } });
    const variables = { p: payments, u: 'retry@example.com' };
    const failed = await send(stack, variables, { 'idempotency-key': 'retry-key' });
    expect(failed.body.data.createInvitation.code).toBe('UPSTREAM_UNAVAILABLE');
    const retried = await send(stack, variables, { 'idempotency-key': 'retry-key' });
    expect(retried.replayed).toBeNull();
    expect(retried.body.data.createInvitation.__typename).toBe('InvitationCreated');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(2);
  });

  it('a settled refusal is kept like a success (a retry would meet it again)', async () => {
    const missing = 'ffffffffffffffffffffffff';
    const first = await send(stack, { p: missing, u: 'nobody@example.com' }, { 'idempotency-key': 'refusal-key' });
    expect(first.body.data.createInvitation.code).toBe('PROJECT_NOT_FOUND');
    const again = await send(stack, { p: missing, u: 'nobody@example.com' }, { 'idempotency-key': 'refusal-key' });
    expect(again.replayed).toBe('true');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
  });

  it('a malformed key is refused with 400 IDEMPOTENCY_KEY_INVALID; queries ignore the header', async () => {
    const bad = await send(stack, { p: payments, u: 'bad@example.com' }, { 'idempotency-key': '"no\ttabs"' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(0);
    const query = await send(
      stack,
      { p: payments },
      { 'idempotency-key': 'query-key' },
      'query($p: ObjectID!) { project(id: $p) { id } }',
    );
    expect(query.body).toEqual({ data: { project: { id: payments } } });
    const again = await send(
      stack,
      { p: payments },
      { 'idempotency-key': 'query-key' },
      'query($p: ObjectID!) { project(id: $p) { id } }',
    );
    expect(again.replayed).toBeNull();
  });

  it('counts what became of each key in /metrics', async () => {
    const before = {
      stored: await metric(stack, 'stored'),
      replayed: await metric(stack, 'replayed'),
      reused: await metric(stack, 'reused'),
    };
    await send(stack, { p: payments, u: 'metrics@example.com' }, { 'idempotency-key': 'metrics-key' });
    await send(stack, { p: payments, u: 'metrics@example.com' }, { 'idempotency-key': 'metrics-key' });
    await send(stack, { p: payments, u: 'other@example.com' }, { 'idempotency-key': 'metrics-key' });
    expect(await metric(stack, 'stored')).toBe(before.stored + 1);
    expect(await metric(stack, 'replayed')).toBe(before.replayed + 1);
    expect(await metric(stack, 'reused')).toBe(before.reused + 1);
  });
});

describe('Idempotency-Key scope and a failing store', () => {
  const SECRET = 'another-shared-secret-of-32-characters-at-least';
  registerSecret(SECRET);
  const token = (subject: string) => {
    const signed = jwt.sign({ scope: 'invitations:read invitations:write' }, SECRET, {
      issuer: 'https://issuer.example/',
      audience: 'gw',
      subject,
      expiresIn: '5m',
    });
    registerSecret(signed.split('.')[2]!);
    return signed;
  };
  let stack: Stack;
  let storeDown = false;
  beforeAll(async () => {
    const { createMemoryStore } = await import('../../src/idempotency/store.ts');
    const memory = createMemoryStore();
    // A store that can be taken down, as Redis can.
    const flaky: IdempotencyStore = {
      claim: (...args) => (storeDown ? Promise.reject(new Error('connection refused')) : memory.claim(...args)),
      complete: (...args) => (storeDown ? Promise.reject(new Error('connection refused')) : memory.complete(...args)),
      release: (...args) => (storeDown ? Promise.reject(new Error('connection refused')) : memory.release(...args)),
      close: () => memory.close(),
    };
    stack = await startStack({
      idempotencyStore: flaky,
      security: hs256Security({ secret: SECRET, issuer: 'https://issuer.example/', audience: 'gw' }),
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    storeDown = false;
    stack.simulator.store.reset();
    stack.simulator.counters.reset();
  });

  it('keys are per caller: the same key from another subject is another key', async () => {
    const variables = { p: payments, u: 'shared@example.com' };
    const alice = await send(stack, variables, {
      authorization: `Bearer ${token('alice')}`,
      'idempotency-key': 'same-key',
    });
    expect(alice.body.data.createInvitation.__typename).toBe('InvitationCreated');
    const bob = await send(stack, variables, {
      authorization: `Bearer ${token('bob')}`,
      'idempotency-key': 'same-key',
    });
    // Bob's request ran for itself (and met Alice's invitation), it did not get Alice's answer.
    expect(bob.replayed).toBeNull();
    expect(bob.body.data.createInvitation.code).toBe('INVITATION_ALREADY_EXISTS');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(2);
    const aliceAgain = await send(stack, variables, {
      authorization: `Bearer ${token('alice')}`,
      'idempotency-key': 'same-key',
    });
    expect(aliceAgain.replayed).toBe('true');
    expect(aliceAgain.body).toEqual(alice.body);
  });

  it('with the store down the change still runs (without the guarantee), logged and counted', async () => {
    storeDown = true;
    const result = await send(
      stack,
      { p: payments, u: 'down@example.com' },
      { authorization: `Bearer ${token('alice')}`, 'idempotency-key': 'down-key' },
    );
    expect(result.body.data.createInvitation.__typename).toBe('InvitationCreated');
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
    expect(stack.logLines.some((line) => line.includes('Idempotency store unavailable'))).toBe(true);
    expect(await metric(stack, 'store_error')).toBeGreaterThanOrEqual(1);
  });
});
