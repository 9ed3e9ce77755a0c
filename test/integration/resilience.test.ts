import { afterEach, describe, expect, it } from 'vitest';
import {
  DeleteInvitationDocument,
  ProjectInvitationsDocument,
  UpdateInvitationRolesDocument,
} from 'ops-manager-invitations-client/documents';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Clock, systemClock } from '../../src/clock.ts';
import { LIST_ROUTE, type Stack, startStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const PATCH_BY_ID = 'PATCH /groups/{groupId}/invites/{invitationId}';

/** The real clock, with every wait it is asked for written down. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { ...systemClock, sleeps, sleep: (ms, signal) => (sleeps.push(ms), systemClock.sleep(ms, signal)) };
}

/** Waits (bounded) until a condition holds: for effects that settle asynchronously. */
async function eventually(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One read first, so the Digest handshake and connection set-up are done before a test
 * whose point is a timeout: a busy machine must not make the handshake the thing that times out.
 */
async function warmUp(stack: Stack): Promise<void> {
  await stack.request(ProjectInvitationsDocument, { projectId: payments });
}

function codes(result: { errors?: Array<{ extensions?: Record<string, unknown> }> | undefined }) {
  return result.errors?.map((error) => error.extensions?.code);
}

const refusedOnce = () => {
  let refuse = 1;
  return (fetch: (input: string | URL, init?: RequestInit) => Promise<Response>) =>
    async (input: string | URL, init?: RequestInit) => {
      if (refuse > 0) {
        refuse -= 1;
        // The shape of undici's error when nothing listens: a TypeError caused by ECONNREFUSED.
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        });
      }
      return fetch(input, init);
    };
};

describe('resilience against a misbehaving Ops Manager', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('retries a GET that failed twice with 503: the query succeeds after 3 upstream calls', async () => {
    stack = await startStack();
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { times: 2 });
    const { project } = await stack.request(ProjectInvitationsDocument, { projectId: payments });
    expect(project.invitations!.length).toBeGreaterThan(0);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(3);
  });

  it('waits at least what Retry-After asks before retrying a 429', async () => {
    const clock = recordingClock();
    stack = await startStack({ clock });
    stack.simulator.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const { project } = await stack.request(ProjectInvitationsDocument, { projectId: payments });
    expect(project.invitations!.length).toBeGreaterThan(0);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(1_000);
    // A lower bound only: a busy machine can make it later, never earlier.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });

  it('gives up at once when Retry-After would outlast the operation deadline', async () => {
    const clock = recordingClock();
    stack = await startStack({ clock, operationTimeoutMs: 1_000 });
    stack.simulator.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 30 });
    const result = await stack.execute(ProjectInvitationsDocument, { projectId: payments });
    expect(codes(result)).toEqual(['UPSTREAM_RATE_LIMITED']);
    expect(result.errors![0]!.extensions!.retryAfterSeconds).toBe(30);
    expect(clock.sleeps).toEqual([]);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
  });

  it('answers a hang within the operation deadline with UPSTREAM_TIMEOUT, leaving no request running', async () => {
    stack = await startStack({ operationTimeoutMs: 1_000, timeoutMs: 30_000 });
    await warmUp(stack);
    stack.simulator.faults.inject({ kind: 'hang' }, { times: Infinity });
    const started = Date.now();
    const result = await stack.execute(ProjectInvitationsDocument, { projectId: payments });
    expect(codes(result)).toEqual(['UPSTREAM_TIMEOUT']);
    // Far below the 30 s call timeout: the operation deadline ended it.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stack.upstream.status().inFlight).toEqual({ active: 0, pending: 0 });
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });

  it('aborts the upstream call when the caller disconnects', async () => {
    stack = await startStack({ timeoutMs: 30_000 });
    stack.simulator.faults.inject({ kind: 'hang' });
    const caller = new AbortController();
    const pending = fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ project(id: "${payments}") { invitations { id } } }` }),
      signal: caller.signal,
    }).catch(() => 'aborted');
    const upstream = stack.upstream;
    await eventually(() => upstream.status().inFlight.active === 1);
    caller.abort();
    expect(await pending).toBe('aborted');
    await eventually(() => upstream.status().inFlight.active === 0);
  });

  const UPDATE_WITH_READ_BACK = `mutation($p: ObjectID!, $i: ObjectID!, $r: [ProjectRole!]!) {
    updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: $r) {
      __typename
      ... on InvitationRolesUpdated { confirmedByReadBack invitation { roles } }
      ... on OutcomeUnknownError { code readBack { invitation { id roles } } }
    }
  }`;

  it('never retries a change that may have been applied: a reset after apply is applied once, then confirmed by reading back', async () => {
    stack = await startStack();
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'PATCH' } });
    const { data } = await stack.execute<any>(UPDATE_WITH_READ_BACK, {
      p: payments,
      i: target.id,
      r: ['GROUP_BACKUP_ADMIN'],
    });
    expect(data.updateInvitationRoles).toEqual({
      __typename: 'InvitationRolesUpdated',
      confirmedByReadBack: true,
      invitation: { roles: ['GROUP_BACKUP_ADMIN'] },
    });
    expect(stack.simulator.counters.snapshot().applied).toBe(1);
    expect(stack.upstreamCalls(PATCH_BY_ID)).toBe(1);
    // The confirmation is one fresh read of the project, after the change.
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
    expect(stack.simulator.store.getInvitation(target.id)!.roles).toEqual(['GROUP_BACKUP_ADMIN']);
  });

  it('reports a change that timed out twice as outcome unknown, with what a read showed: sent once more, never retried by the pipeline', async () => {
    stack = await startStack({ timeoutMs: 1_000 });
    await warmUp(stack);
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const before = [...target.roles];
    stack.simulator.counters.reset();
    stack.simulator.faults.inject({ kind: 'hang' }, { match: { method: 'PATCH' }, times: 2 });
    const { data } = await stack.execute<any>(UPDATE_WITH_READ_BACK, {
      p: payments,
      i: target.id,
      r: ['GROUP_AUTOMATION_ADMIN', 'GROUP_USER_ADMIN'],
    });
    expect(data.updateInvitationRoles).toEqual({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      readBack: { invitation: { id: target.id, roles: before } },
    });
    // The first PATCH, and the one second attempt after the read did not show it: no more.
    expect(stack.upstreamCalls(PATCH_BY_ID)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });

  it('reports a change answered 2xx with an unreadable body twice as outcome unknown when a read does not show it, not as a failure', async () => {
    stack = await startStack();
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    stack.simulator.faults.inject({ kind: 'malformed-json' }, { match: { method: 'PATCH' }, times: 2 });
    const { data } = await stack.execute<any>(UPDATE_WITH_READ_BACK, {
      p: payments,
      i: target.id,
      r: ['GROUP_AUTOMATION_ADMIN', 'GROUP_USER_ADMIN'],
    });
    expect(data.updateInvitationRoles).toMatchObject({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      readBack: { invitation: { id: target.id } },
    });
    expect(stack.upstreamCalls(PATCH_BY_ID)).toBe(2);
  });

  it('keeps an outcome unknown, with no read-back state, when the read after the change fails too', async () => {
    stack = await startStack({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'PATCH' } });
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { method: 'GET' }, times: Infinity });
    const { data } = await stack.execute<any>(UPDATE_WITH_READ_BACK, { p: payments, i: target.id, r: ['GROUP_OWNER'] });
    expect(data.updateInvitationRoles).toEqual({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      readBack: null,
    });
    // The read was retried like any read (1 + 1 retry), then read once more after a backoff (again
    // 1 + 1); with no read to go by, the change was not sent again.
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(4);
    expect(stack.upstreamCalls(PATCH_BY_ID)).toBe(1);
  });

  it('does not take a DELETE answered 200 with an unexpected body for a deletion', async () => {
    stack = await startStack();
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    stack.simulator.faults.inject({ kind: 'wrong-shape' }, { match: { method: 'DELETE' }, times: 2 });
    const { deleteInvitation } = await stack.request(DeleteInvitationDocument, {
      projectId: payments,
      invitationId: target.id,
    });
    expect(deleteInvitation).toMatchObject({ __typename: 'OutcomeUnknownError', code: 'MUTATION_OUTCOME_UNKNOWN' });
    // The simulator answered without deleting: claiming success would have been a lie.
    expect(stack.simulator.store.getInvitation(target.id)).toBeDefined();
  });

  it('retries a change whose connection was refused before sending, and applies it once', async () => {
    stack = await startStack({ wrapTransport: refusedOnce() });
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
      projectId: payments,
      invitation: { id: target.id },
      roles: ['GROUP_READ_ONLY'],
    });
    expect(updateInvitationRoles).toMatchObject({
      __typename: 'InvitationRolesUpdated',
      invitation: { roles: ['GROUP_READ_ONLY'] },
    });
    expect(stack.simulator.counters.snapshot().applied).toBe(1);
  });

  it('reads through malformed JSON and wrong shapes as UPSTREAM_BAD_RESPONSE, without retrying them', async () => {
    stack = await startStack();
    stack.simulator.faults.inject({ kind: 'malformed-json' });
    expect(codes(await stack.execute(ProjectInvitationsDocument, { projectId: payments }))).toEqual([
      'UPSTREAM_BAD_RESPONSE',
    ]);
    stack.simulator.faults.inject({ kind: 'wrong-shape' });
    expect(codes(await stack.execute(ProjectInvitationsDocument, { projectId: payments }))).toEqual([
      'UPSTREAM_BAD_RESPONSE',
    ]);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });

  it('opens the circuit after repeated failures, fails fast, then half-opens and closes when Ops Manager recovers', async () => {
    stack = await startStack({ breaker: { failureThreshold: 3, halfOpenAfterMs: 300 } });
    const readiness = async () => (await fetch(stack!.url.replace('/graphql', '/readiness'))).status;
    expect(await readiness()).toBe(200);

    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { times: Infinity });
    // Three attempts (one call and its two retries) fail: the circuit opens.
    expect(codes(await stack.execute(ProjectInvitationsDocument, { projectId: payments }))).toEqual([
      'UPSTREAM_UNAVAILABLE',
    ]);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(3);
    expect(stack.upstream.status().breaker).toBe('open');
    expect(await readiness()).toBe(503);

    // Open: the answer comes at once, and Ops Manager is not called.
    const fast = await stack.execute(ProjectInvitationsDocument, { projectId: payments });
    expect(codes(fast)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(fast.errors![0]!.message).toMatch(/pauses calls/);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(3);

    // Ops Manager recovers; after halfOpenAfterMs one probe goes through and closes the circuit.
    // (cockatiel moves to half-open lazily, on the first call after the wait.)
    stack.simulator.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const recovered = await stack.execute(ProjectInvitationsDocument, { projectId: payments });
    expect(recovered.errors).toBeUndefined();
    expect(stack.upstream.status().breaker).toBe('closed');
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(4);
    expect(await readiness()).toBe(200);
  });

  it('is not ready while Ops Manager cannot be reached at all', async () => {
    stack = await startStack();
    await stack.simulator.close();
    expect((await fetch(stack.url.replace('/graphql', '/readiness'))).status).toBe(503);
    expect((await fetch(stack.url.replace('/graphql', '/health'))).status).toBe(200);
  });
});
