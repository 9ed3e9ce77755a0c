import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import type { FetchLike } from '../fetch-send.ts';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import type { Invitation } from '../../src/simulator/store.ts';
import { LIST_ROUTE, type Stack, startStack, useStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const POST = 'POST /groups/{groupId}/invites';
const PATCH = 'PATCH /groups/{groupId}/invites/{invitationId}';
const DELETE_ROUTE = 'DELETE /groups/{groupId}/invites/{invitationId}';

const CREATE = `mutation($p: ObjectID!, $u: EmailAddress!, $r: [ProjectRole!]!) {
  createInvitation(projectId: $p, username: $u, roles: $r) {
    __typename
    ... on InvitationCreated { attempts confirmedByReadBack invitation { username roles } }
    ... on AlreadyExistsError { code readBack { invitation { username roles } } }
    ... on ConcurrentChangeError { code readBack { invitation { username roles } } }
    ... on OutcomeUnknownError { code attempts readBack { invitation { username roles } } }
  }
}`;
const UPDATE = `mutation($p: ObjectID!, $i: ObjectID!, $r: [ProjectRole!]!) {
  updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: $r) {
    __typename
    ... on InvitationRolesUpdated { attempts confirmedByReadBack invitation { roles } }
    ... on OutcomeUnknownError { attempts readBack { invitation { roles } } }
  }
}`;
const DELETE = `mutation($p: ObjectID!, $i: ObjectID!) {
  deleteInvitation(projectId: $p, invitationId: $i) {
    __typename
    ... on InvitationDeleted { attempts confirmedByReadBack invitationId }
    ... on Error { code }
    ... on OutcomeUnknownError { attempts readBack { invitation { id } } }
  }
}`;

/**
 * A transport that runs `afterRead` once, right after the next read of a project's invitations
 * has been answered and before the gateway sees that answer: the moment between the read-back
 * and the second attempt, where another client (or the first attempt, landing late) can act.
 */
/** Someone else invites `username` in the payments project, straight into the simulator's data. */
function inviteMeanwhile(stack: Stack, username: string, roles: string[]): void {
  stack.simulator.store.createInvitation(payments, { username, roles }, 'admin@example.com');
}

function betweenReadAndResend() {
  let afterRead: ((signal: AbortSignal | null | undefined) => void | Promise<void>) | undefined;
  let refuseChanges = false;
  const wrap =
    (fetch: FetchLike): FetchLike =>
    async (input, init) => {
      if (refuseChanges && init?.method !== 'GET') {
        // The shape of undici's error when nothing listens: the request certainly never left.
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        });
      }
      const answer = await fetch(input, init);
      const hook = afterRead;
      if (hook === undefined || init?.method !== 'GET' || answer.status !== 200) return answer;
      afterRead = undefined;
      // The body is read first, so what happens in the hook cannot cut the read short.
      const body = await answer.text();
      await hook(init.signal);
      return new Response(body, { status: answer.status, headers: answer.headers });
    };
  return {
    wrap,
    set: (hook: typeof afterRead) => (afterRead = hook),
    /** From now on (until `false`), every change is refused before it leaves. */
    refuseChanges: (on: boolean) => (refuseChanges = on),
  };
}

describe('a change whose response was lost, and that a read does not show, is sent once more', () => {
  const between = betweenReadAndResend();
  const stack = useStack({ wrapTransport: between.wrap });
  const first = () => stack.simulator.store.listInvitations(payments)[0]!;
  const invitationsFor = (username: string) => stack.simulator.store.listInvitations(payments, { username });
  /** createInvitation in the payments project, with GROUP_READ_ONLY: its result member. */
  const create = async (username: string) =>
    (await stack.execute<any>(CREATE, { p: payments, u: username, r: ['GROUP_READ_ONLY'] })).data.createInvitation;

  it('create: reset before Ops Manager applied it → sent again → InvitationCreated, attempts: 2; one invitation', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    expect(await create('second.try@example.com')).toEqual({
      __typename: 'InvitationCreated',
      attempts: 2,
      confirmedByReadBack: false,
      invitation: { username: 'second.try@example.com', roles: ['GROUP_READ_ONLY'] },
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
    expect(stack.simulator.counters.snapshot().applied).toBe(1);
    expect(invitationsFor('second.try@example.com')).toHaveLength(1);
  });

  it('update: an unreadable 2xx that was not applied → the same role list sent again → InvitationRolesUpdated, attempts: 2', async () => {
    const target = first();
    stack.simulator.faults.inject({ kind: 'malformed-json' }, { match: { method: 'PATCH' } });
    const { data } = await stack.execute<any>(UPDATE, { p: payments, i: target.id, r: ['GROUP_BACKUP_ADMIN'] });
    expect(data.updateInvitationRoles).toEqual({
      __typename: 'InvitationRolesUpdated',
      attempts: 2,
      confirmedByReadBack: false,
      invitation: { roles: ['GROUP_BACKUP_ADMIN'] },
    });
    expect(stack.upstreamCalls(PATCH)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
    expect(stack.simulator.store.getInvitation(target.id)!.roles).toEqual(['GROUP_BACKUP_ADMIN']);
  });

  it('delete: reset before Ops Manager applied it → sent again → InvitationDeleted, attempts: 2; gone', async () => {
    const target = first();
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'DELETE' } });
    const { data } = await stack.execute<any>(DELETE, { p: payments, i: target.id });
    expect(data.deleteInvitation).toEqual({
      __typename: 'InvitationDeleted',
      attempts: 2,
      confirmedByReadBack: false,
      invitationId: target.id,
    });
    expect(stack.upstreamCalls(DELETE_ROUTE)).toBe(2);
    expect(stack.simulator.store.getInvitation(target.id)).toBeUndefined();
  });

  it('create refused as a duplicate, the invitation having the roles asked (the first attempt landed late) → InvitationCreated', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    between.set(() => inviteMeanwhile(stack, 'late@example.com', ['GROUP_READ_ONLY']));
    expect(await create('late@example.com')).toEqual({
      __typename: 'InvitationCreated',
      attempts: 2,
      confirmedByReadBack: true,
      invitation: { username: 'late@example.com', roles: ['GROUP_READ_ONLY'] },
    });
    // The second POST was refused (409), and a second read told whose invitation it is.
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    expect(invitationsFor('late@example.com')).toHaveLength(1);
  });

  it('create refused as a duplicate, the invitation having other roles → AlreadyExistsError with what was read; left as it is', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    between.set(() => inviteMeanwhile(stack, 'other@example.com', ['GROUP_OWNER']));
    expect(await create('other@example.com')).toEqual({
      __typename: 'AlreadyExistsError',
      code: 'INVITATION_ALREADY_EXISTS',
      readBack: { invitation: { username: 'other@example.com', roles: ['GROUP_OWNER'] } },
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(invitationsFor('other@example.com').map((i) => i.roles)).toEqual([['GROUP_OWNER']]);
  });

  it('delete answered 404 the second time (the first landed late) → InvitationDeleted, attempts: 2', async () => {
    const target = first();
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'DELETE' } });
    between.set(() => void stack.simulator.store.removeInvitation(target.id));
    const { data } = await stack.execute<any>(DELETE, { p: payments, i: target.id });
    expect(data.deleteInvitation).toEqual({
      __typename: 'InvitationDeleted',
      attempts: 2,
      confirmedByReadBack: false,
      invitationId: target.id,
    });
    expect(stack.upstreamCalls(DELETE_ROUTE)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
  });

  it('the second response lost too → one more read; still not shown → OutcomeUnknownError, attempts: 2, with what was read', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' }, times: 2 });
    expect(await create('twice.lost@example.com')).toEqual({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      attempts: 2,
      readBack: { invitation: null },
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    expect(stack.simulator.counters.snapshot().applied).toBe(0);
  });

  it('the second response lost too, and the read after it fails → read once more; not shown → OutcomeUnknownError, attempts: 2', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' }, times: 2 });
    // After the first read, the next one is unreadable: the one after the second attempt.
    between.set(() => stack.simulator.faults.inject({ kind: 'malformed-json' }, { match: { method: 'GET' } }));
    expect(await create('twice.lost.reread@example.com')).toEqual({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      attempts: 2,
      readBack: { invitation: null },
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(3);
    expect(stack.simulator.counters.snapshot().applied).toBe(0);
  });

  it('the second response lost after Ops Manager applied it → the read shows it → InvitationCreated, attempts: 2, confirmed', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'POST' } });
    expect(await create('applied.late@example.com')).toMatchObject({
      __typename: 'InvitationCreated',
      attempts: 2,
      confirmedByReadBack: true,
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    expect(stack.simulator.counters.snapshot().applied).toBe(1);
  });

  it('the second attempt answered 503 → OutcomeUnknownError, attempts: 2 (the first may still apply); no third', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { method: 'POST' } });
    expect(await create('busy@example.com')).toEqual({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      attempts: 2,
      readBack: { invitation: null },
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
  });

  it('a second attempt refused before it left (connection refused, retries spent) → OutcomeUnknownError, attempts: 1', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    between.set(() => void between.refuseChanges(true));
    const requestId = 'second-attempt-never-left';
    try {
      const response = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({
          query: CREATE,
          variables: { p: payments, u: 'refused@example.com', r: ['GROUP_READ_ONLY'] },
        }),
      });
      const { data } = (await response.json()) as { data: any };
      expect(data.createInvitation).toEqual({
        __typename: 'OutcomeUnknownError',
        code: 'MUTATION_OUTCOME_UNKNOWN',
        attempts: 1,
        readBack: { invitation: null },
      });
    } finally {
      between.refuseChanges(false);
    }
    expect(stack.upstreamCalls(POST)).toBe(1);
    const line = stack.auditLines.find((each) => each.requestId === requestId)!;
    expect(line.sends).toEqual([{ code: 'MUTATION_OUTCOME_UNKNOWN' }, { code: 'UPSTREAM_UNAVAILABLE', notSent: true }]);
  });

  it('a refusal of the second attempt that the first would have met too is the response (403 → ForbiddenError)', async () => {
    const target = first();
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'DELETE' } });
    stack.simulator.faults.inject({ kind: 'status', status: 403 }, { match: { method: 'DELETE' } });
    const { data } = await stack.execute<any>(DELETE, { p: payments, i: target.id });
    expect(data.deleteInvitation).toEqual({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    expect(stack.upstreamCalls(DELETE_ROUTE)).toBe(2);
  });

  it('a read that fails is read once more; that one not showing it → sent again → InvitationCreated, attempts: 2', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    // An unreadable list: not a "try later" that the pipeline would retry itself.
    stack.simulator.faults.inject({ kind: 'malformed-json' }, { match: { method: 'GET' } });
    expect(await create('reread@example.com')).toMatchObject({ __typename: 'InvitationCreated', attempts: 2 });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    expect(invitationsFor('reread@example.com')).toHaveLength(1);
  });

  it('not sent again when both reads fail: OutcomeUnknownError, attempts: 1, readBack null, saying why', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    stack.simulator.faults.inject({ kind: 'status', status: 404 }, { match: { method: 'GET' }, times: 2 });
    const { data } = await stack.execute<any>(
      CREATE.replace('OutcomeUnknownError { code', 'OutcomeUnknownError { message code'),
      { p: payments, u: 'unread@example.com', r: ['GROUP_READ_ONLY'] },
    );
    expect(data.createInvitation).toEqual({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      message: expect.stringMatching(/Reading the project afterwards failed \(PROJECT_NOT_FOUND\)/),
      attempts: 1,
      readBack: null,
    });
    expect(stack.upstreamCalls(POST)).toBe(1);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });
});

describe('where sending again is not safe, it does not happen: an invitation another change made is left as read', () => {
  const between = betweenReadAndResend();
  const stack = useStack({ wrapTransport: between.wrap });

  it('create: the read shows the address invited with other roles → ConcurrentChangeError, not sent again', async () => {
    const existing = stack.simulator.store.listInvitations(payments)[0]!;
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    const { data } = await stack.execute<any>(CREATE, {
      p: payments,
      u: existing.username.toUpperCase(),
      r: ['GROUP_AUTOMATION_ADMIN'],
    });
    expect(data.createInvitation).toEqual({
      __typename: 'ConcurrentChangeError',
      code: 'INVITATION_CHANGED_CONCURRENTLY',
      readBack: { invitation: { username: existing.username, roles: existing.roles } },
    });
    expect(stack.upstreamCalls(POST)).toBe(1);
    expect(stack.simulator.store.getInvitation(existing.id)).toEqual(existing);
  });

  it('create: someone else invites the address while the second response is lost too → ConcurrentChangeError after the second read', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' }, times: 2 });
    between.set(() => inviteMeanwhile(stack, 'raced@example.com', ['GROUP_OWNER']));
    const { data } = await stack.execute<any>(CREATE, { p: payments, u: 'raced@example.com', r: ['GROUP_READ_ONLY'] });
    expect(data.createInvitation).toEqual({
      __typename: 'ConcurrentChangeError',
      code: 'INVITATION_CHANGED_CONCURRENTLY',
      readBack: { invitation: { username: 'raced@example.com', roles: ['GROUP_OWNER'] } },
    });
    expect(stack.upstreamCalls(POST)).toBe(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    expect(
      stack.simulator.store
        .listInvitations(payments, { username: 'raced@example.com' })
        .map((i: Invitation) => i.roles),
    ).toEqual([['GROUP_OWNER']]);
  });
});

describe('never past the deadline, never for a caller who left', () => {
  const between = betweenReadAndResend();
  let skewMs = 0;
  const clock = { ...systemClock, now: () => Date.now() + skewMs };
  // Without read coalescing, the read of a caller who left still hands its response on (with it, a
  // reader who leaves is let go at once), so the rule itself is what stops the second attempt.
  const stack = useStack({ wrapTransport: between.wrap, clock, operationTimeoutMs: 10_000, coalesceReads: false });

  it('the deadline passes between the read and the second attempt → OutcomeUnknownError, attempts: 1; sent once', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    between.set(() => void (skewMs = 60_000));
    try {
      const { data } = await stack.execute<any>(CREATE, {
        p: payments,
        u: 'too.late@example.com',
        r: ['GROUP_READ_ONLY'],
      });
      expect(data.createInvitation).toEqual({
        __typename: 'OutcomeUnknownError',
        code: 'MUTATION_OUTCOME_UNKNOWN',
        attempts: 1,
        readBack: { invitation: null },
      });
    } finally {
      skewMs = 0;
    }
    expect(stack.upstreamCalls(POST)).toBe(1);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
  });

  it('the caller goes away between the read and the second attempt → not sent again; the audit line says so', async () => {
    const caller = new AbortController();
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    // The caller leaves; the read's answer is handed on once the operation has seen it leave.
    between.set(async (signal) => {
      caller.abort();
      if (!signal!.aborted) await new Promise((resolve) => signal!.addEventListener('abort', resolve, { once: true }));
    });
    const requestId = 'caller-left-before-resend';
    const answer = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({
        query: CREATE,
        variables: { p: payments, u: 'gone@example.com', r: ['GROUP_READ_ONLY'] },
      }),
      signal: caller.signal,
    }).catch(() => 'aborted');
    expect(answer).toBe('aborted');
    const line = await auditLineOf(stack, requestId);
    // One send: the second attempt was not even handed to the pipeline (which would refuse it too).
    expect(line).toMatchObject({ result: 'OutcomeUnknownError', code: 'MUTATION_OUTCOME_UNKNOWN' });
    expect(line.sends).toEqual([{ code: 'MUTATION_OUTCOME_UNKNOWN' }]);
    expect(stack.upstreamCalls(POST)).toBe(1);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
  });
});

describe('the operation deadline ends a change that hangs: no read, no second attempt', () => {
  it('a POST that hangs past OPERATION_TIMEOUT_MS → OutcomeUnknownError, attempts: 1; sent once', async () => {
    let stack: Stack | undefined;
    try {
      stack = await startStack({ operationTimeoutMs: 1_000, timeoutMs: 30_000 });
      // Digest handshake and connection first: the deadline must end the POST, not the set-up.
      await stack.execute(`{ project(id: "${payments}") { invitations { id } } }`);
      stack.simulator.counters.reset();
      stack.simulator.faults.inject({ kind: 'hang' }, { match: { method: 'POST' } });
      const { data } = await stack.execute<any>(CREATE, { p: payments, u: 'hung@example.com', r: ['GROUP_READ_ONLY'] });
      expect(data.createInvitation).toEqual({
        __typename: 'OutcomeUnknownError',
        code: 'MUTATION_OUTCOME_UNKNOWN',
        attempts: 1,
        readBack: null,
      });
      expect(stack.upstreamCalls(POST)).toBe(1);
      expect(stack.upstreamCalls(LIST_ROUTE)).toBe(0);
    } finally {
      await stack?.close();
    }
  });
});

/** The audit line of a request, once written (the operation goes on after its caller left). */
async function auditLineOf(stack: Stack, requestId: string): Promise<Record<string, unknown>> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const line = stack.auditLines.find((each) => each.requestId === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no audit line for ${requestId}`);
}

describe('the follow-up of a lost response is one incident for the circuit breaker', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('the first send counts; the reads back and a second send do not, so they cannot open the circuit on their own', async () => {
    // Two failures open the circuit; no retries, so each failed read is one failed attempt.
    stack = await startStack({ breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 }, retry: { maxRetries: 0 } });
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' } });
    stack.simulator.faults.inject({ kind: 'status', status: 500 }, { match: { method: 'GET' }, times: 2 });
    const { data } = await stack.execute<any>(CREATE, {
      p: payments,
      u: 'one.incident@example.com',
      r: ['GROUP_READ_ONLY'],
    });
    expect(data.createInvitation).toMatchObject({ __typename: 'OutcomeUnknownError', attempts: 1, readBack: null });
    expect(stack.upstreamCalls(POST)).toBe(1);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    // One failure counted (the send's), two not (the reads'): still closed, and the next read goes out.
    expect(stack.upstream.status().breaker).toBe('closed');
    const next = await stack.execute<any>(`{ project(id: "${payments}") { invitations { id } } }`);
    expect(next.errors).toBeUndefined();
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(3);
  });
});
