import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DeleteInvitationDocument,
  ProjectInvitationsDocument,
  ProjectsInvitationsDocument,
  UpdateInvitationRolesDocument,
} from 'ops-manager-invitations-client/documents';
import { DEMO_API_KEY, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { LIST_ROUTE, type Stack, startStack } from './stack.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];

function codeOf(result: { errors?: Array<{ extensions?: Record<string, unknown> }> | undefined }) {
  return result.errors?.map((error) => error.extensions?.code);
}

describe('upstream failures become stable codes', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A short deadline: Retry-After 7 s cannot fit in it, so the 429 is answered at once.
    // A 2 s deadline: a hang ends there, and Retry-After 7 s cannot fit in it, so a 429 is
    // answered at once. The breaker has its own tests; here it must not open across these
    // deliberate failures.
    stack = await startStack({ timeoutMs: 1_500, operationTimeoutMs: 2_000, breaker: { failureThreshold: 1_000 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.simulator.faults.clear();
    stack.simulator.store.reset();
    stack.simulator.counters.reset();
  });

  it.each([
    ['503', 'UPSTREAM_UNAVAILABLE', { kind: 'status', status: 503 }],
    ['500 with an HTML body', 'UPSTREAM_UNAVAILABLE', { kind: 'status', status: 500, body: '<html>oops</html>' }],
    ['malformed JSON', 'UPSTREAM_BAD_RESPONSE', { kind: 'malformed-json' }],
    ['JSON of the wrong shape', 'UPSTREAM_BAD_RESPONSE', { kind: 'wrong-shape' }],
    ['a reset connection', 'UPSTREAM_UNAVAILABLE', { kind: 'reset' }],
    ['a hang past the timeout', 'UPSTREAM_TIMEOUT', { kind: 'hang' }],
  ] as const)('a read meeting %s every time answers %s on that field only', async (_name, code, fault) => {
    stack.simulator.faults.inject(fault, { match: { groupId: analytics }, times: Infinity });
    const result = await stack.execute(ProjectsInvitationsDocument, { projectIds: [payments, analytics] });
    expect(result.status).toBe(200);
    expect(codeOf(result)).toEqual([code]);
    const projects = (result.data as { projects: Array<{ invitations: unknown[] | null }> }).projects;
    expect(projects[0]!.invitations!.length).toBeGreaterThan(0);
    expect(projects[1]!.invitations).toBeNull();
    // No message carries upstream internals.
    expect(JSON.stringify(result.errors)).not.toMatch(/oops|results|stack/);
  });

  it('a mutation meeting 503 answers UpstreamError, a typed member of its result', async () => {
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { method: 'PATCH' } });
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
      projectId: payments,
      invitation: { id: target.id },
      roles: ['GROUP_OWNER'],
    });
    expect(updateInvitationRoles).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_UNAVAILABLE',
      retryAfterSeconds: null,
    });
  });

  it('a hang leaves no request running once the operation has answered', async () => {
    stack.simulator.faults.inject({ kind: 'hang' });
    const result = await stack.execute(ProjectInvitationsDocument, { projectId: payments });
    expect(codeOf(result)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(stack.upstream.status().inFlight).toEqual({ active: 0, pending: 0 });
  });
});

describe('wrong API key', () => {
  it('gives one clean UPSTREAM_UNAUTHENTICATED, in at most 3 HTTP requests, with the key nowhere in the output', async () => {
    const privateKey = 'wrong-private-key-7f3a9c';
    const stack = await startStack({ apiKey: { publicKey: DEMO_API_KEY.publicKey, privateKey } });
    try {
      const result = await stack.execute(ProjectInvitationsDocument, { projectId: payments });
      expect(codeOf(result)).toEqual(['UPSTREAM_UNAUTHENTICATED']);
      const counters = stack.simulator.counters.snapshot();
      expect(counters.requests).toBeLessThanOrEqual(3);
      expect(counters.authenticated).toBe(0);
      expect(JSON.stringify(result)).not.toContain(privateKey);
      expect(stack.logLines.length).toBeGreaterThan(0);
      expect(stack.logLines.join('')).not.toContain(privateKey);
    } finally {
      await stack.close();
    }
  });
});

describe('secrets', () => {
  it('never appear in debug logs or answers over a run of reads and mutations', async () => {
    const stack = await startStack({ logLevel: 'trace' });
    try {
      const target = stack.simulator.store.listInvitations(payments)[0]!;
      const answers = [
        await stack.execute(ProjectsInvitationsDocument, {
          projectIds: [...DEMO_PROJECT_IDS, 'ffffffffffffffffffffffff'],
        }),
        await stack.execute(UpdateInvitationRolesDocument, {
          projectId: payments,
          invitation: { id: target.id },
          roles: ['GROUP_OWNER'],
        }),
      ];
      expect(stack.upstreamCalls(LIST_ROUTE)).toBe(4);
      const everything = stack.logLines.join('') + JSON.stringify(answers);
      expect(everything).not.toContain(DEMO_API_KEY.privateKey);
      expect(everything).not.toMatch(/Digest username=|response="/);
    } finally {
      await stack.close();
    }
  });
});

// A 429 with Retry-After pauses its project for that long (ops-manager/resilience.ts): these get a stack of
// their own, so that the pause holds no other test back.
describe('Ops Manager 429s become UPSTREAM_RATE_LIMITED with the seconds to wait', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A 2 s deadline: Retry-After 7 s cannot fit in it, so the 429 is answered at once.
    stack = await startStack({ timeoutMs: 1_500, operationTimeoutMs: 2_000 });
  });
  afterAll(() => stack.close());

  it('a read meeting 429 with Retry-After answers UPSTREAM_RATE_LIMITED on that field only', async () => {
    stack.simulator.faults.inject(
      { kind: 'status', status: 429, retryAfterSeconds: 7 },
      { match: { groupId: analytics }, times: Infinity },
    );
    const result = await stack.execute(ProjectsInvitationsDocument, { projectIds: [payments, analytics] });
    expect(result.status).toBe(200);
    expect(codeOf(result)).toEqual(['UPSTREAM_RATE_LIMITED']);
    const projects = (result.data as { projects: Array<{ invitations: unknown[] | null }> }).projects;
    expect(projects[0]!.invitations!.length).toBeGreaterThan(0);
    expect(projects[1]!.invitations).toBeNull();
    expect(result.errors![0]!.extensions!.retryAfterSeconds).toBe(7);
  });

  it('a mutation meeting 429 says how long to wait', async () => {
    stack.simulator.faults.inject(
      { kind: 'status', status: 429, retryAfterSeconds: 30 },
      { match: { method: 'DELETE' } },
    );
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const { deleteInvitation } = await stack.request(DeleteInvitationDocument, {
      projectId: payments,
      invitationId: target.id,
    });
    expect(deleteInvitation).toMatchObject({
      __typename: 'UpstreamError',
      code: 'UPSTREAM_RATE_LIMITED',
      retryAfterSeconds: 30,
    });
    expect(stack.simulator.store.getInvitation(target.id)).toBeDefined();
  });
});
