import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { registerSecret } from '../secrets-sweep.ts';
import { hs256Security, type Stack, startStack, useStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const MISSING = 'aaaaaaaaaaaaaaaaaaaaaaaa';

const CREATE = `mutation($p: ObjectID!, $u: EmailAddress!, $r: [ProjectRole!]!) {
  createInvitation(projectId: $p, username: $u, roles: $r) { __typename }
}`;
const UPDATE = `mutation($p: ObjectID!, $i: ObjectID!, $r: [ProjectRole!]!) {
  updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: $r) { __typename }
}`;
const UPDATE_BY_USERNAME = `mutation($p: ObjectID!, $u: EmailAddress!, $r: [ProjectRole!]!) {
  updateInvitationRoles(projectId: $p, invitation: { username: $u }, roles: $r) { __typename }
}`;
const DELETE = `mutation($p: ObjectID!, $i: ObjectID!) {
  deleteInvitation(projectId: $p, invitationId: $i) { __typename }
}`;

let sequence = 0;
async function change(
  stack: Stack,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const requestId = `audit-test-${++sequence}`;
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: Record<string, { __typename: string }> };
  const member = Object.values(body.data)[0]!.__typename;
  const lines = stack.auditLines.filter((line) => line.requestId === requestId);
  return { member, lines, requestId };
}

describe('the audit trail: one line per change attempt, for every result member', () => {
  const stack = useStack();
  const first = () => stack.simulator.store.listInvitations(payments)[0]!;

  it('InvitationCreated: who, what, how it ended, the idempotency key', async () => {
    const { member, lines, requestId } = await change(
      stack,
      CREATE,
      { p: payments, u: 'new.hire@example.com', r: ['GROUP_READ_ONLY'] },
      { 'idempotency-key': '"audit-key-1"' },
    );
    expect(member).toBe('InvitationCreated');
    const created = stack.simulator.store.listInvitations(payments).find((i) => i.username === 'new.hire@example.com')!;
    expect(lines).toEqual([
      expect.objectContaining({
        channel: 'audit',
        msg: 'change attempt',
        caller: 'anonymous',
        requestId,
        idempotencyKey: 'audit-key-1',
        action: 'createInvitation',
        projectId: payments,
        invitationId: created.id,
        username: 'new.hire@example.com',
        roles: ['GROUP_READ_ONLY'],
        result: 'InvitationCreated',
        // A success carries Ops Manager's status too, and each send of the change.
        upstreamStatus: 201,
        sends: [{ status: 201 }],
      }),
    ]);
    expect(typeof lines[0]!.time).toBe('number');
  });

  it.each([
    [
      'InvitationRolesUpdated',
      () => ({ query: UPDATE, variables: { p: payments, i: first().id, r: ['GROUP_OWNER'] } }),
      undefined,
    ],
    [
      'InvitationRolesUpdated (by username)',
      () => ({ query: UPDATE_BY_USERNAME, variables: { p: payments, u: first().username, r: ['GROUP_OWNER'] } }),
      undefined,
    ],
    ['InvitationDeleted', () => ({ query: DELETE, variables: { p: payments, i: first().id } }), undefined],
    ['NotFoundError', () => ({ query: DELETE, variables: { p: payments, i: MISSING } }), 'INVITATION_NOT_FOUND'],
    [
      'AlreadyExistsError',
      () => ({ query: CREATE, variables: { p: payments, u: first().username, r: ['GROUP_READ_ONLY'] } }),
      'INVITATION_ALREADY_EXISTS',
    ],
    [
      'InvalidInputError',
      () => ({ query: UPDATE, variables: { p: payments, i: first().id, r: [] } }),
      'BAD_USER_INPUT',
    ],
  ])('%s', async (name, build, code) => {
    const { query, variables } = build();
    const { member, lines } = await change(stack, query, variables);
    expect(member).toBe(name.split(' ')[0]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ channel: 'audit', projectId: payments, result: member });
    if (code) expect(lines[0]!.code).toBe(code);
    else expect(lines[0]!.code).toBeUndefined();
    expect(lines[0]!.idempotencyKey).toBeUndefined();
  });

  it('UpstreamError, ForbiddenError and OutcomeUnknownError carry the code and Ops Manager status', async () => {
    stack.simulator.faults.inject({ kind: 'status', status: 503 }, { match: { method: 'PATCH' } });
    const unavailable = await change(stack, UPDATE, { p: payments, i: first().id, r: ['GROUP_OWNER'] });
    expect(unavailable.lines[0]).toMatchObject({
      result: 'UpstreamError',
      code: 'UPSTREAM_UNAVAILABLE',
      upstreamStatus: 503,
      action: 'updateInvitationRoles',
    });

    stack.simulator.faults.inject({ kind: 'status', status: 403 }, { match: { method: 'DELETE' } });
    const forbidden = await change(stack, DELETE, { p: payments, i: first().id });
    expect(forbidden.lines[0]).toMatchObject({
      result: 'ForbiddenError',
      code: 'FORBIDDEN',
      upstreamStatus: 403,
      action: 'deleteInvitation',
    });

    // Reset before Ops Manager applied it, twice: the reads do not show it, the outcome stays unknown.
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'POST' }, times: 2 });
    const unknown = await change(stack, CREATE, { p: payments, u: 'maybe@example.com', r: ['GROUP_READ_ONLY'] });
    expect(unknown.member).toBe('OutcomeUnknownError');
    expect(unknown.lines[0]).toMatchObject({
      result: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      username: 'maybe@example.com',
    });
    expect(unknown.lines[0]!.sends).toEqual([
      { code: 'MUTATION_OUTCOME_UNKNOWN' },
      { code: 'MUTATION_OUTCOME_UNKNOWN' },
    ]);

    // Reset after Ops Manager applied it: confirmed by reading back, and the trail says so (no response: no status).
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'POST' } });
    const confirmed = await change(stack, CREATE, { p: payments, u: 'surely@example.com', r: ['GROUP_READ_ONLY'] });
    expect(confirmed.member).toBe('InvitationCreated');
    expect(confirmed.lines[0]).toMatchObject({
      result: 'InvitationCreated',
      confirmedByReadBack: true,
      sends: [{ code: 'MUTATION_OUTCOME_UNKNOWN' }],
    });
    expect(confirmed.lines[0]!.upstreamStatus).toBeUndefined();
  });

  it('a change sent twice: each send in order, with the status of the one that succeeded', async () => {
    // An unreadable 2xx (status 200, not applied), then the second attempt answered.
    stack.simulator.faults.inject({ kind: 'malformed-json' }, { match: { method: 'PATCH' } });
    const updated = await change(stack, UPDATE, {
      p: payments,
      i: first().id,
      r: ['GROUP_AUTOMATION_ADMIN', 'GROUP_USER_ADMIN'],
    });
    expect(updated.member).toBe('InvitationRolesUpdated');
    expect(updated.lines).toHaveLength(1);
    expect(updated.lines[0]).toMatchObject({
      result: 'InvitationRolesUpdated',
      confirmedByReadBack: false,
      upstreamStatus: 200,
      sends: [{ status: 200, code: 'MUTATION_OUTCOME_UNKNOWN' }, { status: 200 }],
    });

    // A delete whose first response was lost and whose second attempt was refused: the refusal's status.
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'DELETE' } });
    stack.simulator.faults.inject({ kind: 'status', status: 403 }, { match: { method: 'DELETE' } });
    const refused = await change(stack, DELETE, { p: payments, i: first().id });
    expect(refused.lines[0]).toMatchObject({
      result: 'ForbiddenError',
      upstreamStatus: 403,
      sends: [{ code: 'MUTATION_OUTCOME_UNKNOWN' }, { status: 403, code: 'FORBIDDEN' }],
    });
  });

  it('queries write nothing to the audit trail', async () => {
    const before = stack.auditLines.length;
    await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ project(id: "${payments}") { invitations { id } } }` }),
    });
    expect(stack.auditLines.length).toBe(before);
  });
});

describe('the audit trail in jwt mode', () => {
  const SECRET = 'audit-trail-secret-of-at-least-32-characters';
  registerSecret(SECRET);
  const token = (subject: string, scope: string, projects?: string[]) => {
    const signed = jwt.sign({ scope, ...(projects ? { projects } : {}) }, SECRET, {
      issuer: 'https://issuer.example/',
      audience: 'gw',
      subject,
      expiresIn: '5m',
    });
    registerSecret(signed.split('.')[2]!);
    return signed;
  };
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      // The subgraph too, whose mutations are namespaced: the trail names the plain action.
      env: { FEDERATION_SUBGRAPH: 'true' },
      security: hs256Security({
        secret: SECRET,
        issuer: 'https://issuer.example/',
        audience: 'gw',
        projectsClaim: 'projects',
      }),
    });
  });
  afterAll(() => stack.close());

  it('names the caller by subject, and records changes refused for a missing scope or project', async () => {
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const allowed = await change(
      stack,
      UPDATE,
      { p: payments, i: target.id, r: ['GROUP_OWNER'] },
      { authorization: `Bearer ${token('alice', 'invitations:read invitations:write')}` },
    );
    expect(allowed.lines[0]).toMatchObject({ caller: 'sub:alice', result: 'InvitationRolesUpdated' });

    const noScope = await change(
      stack,
      UPDATE,
      { p: payments, i: target.id, r: ['GROUP_READ_ONLY'] },
      { authorization: `Bearer ${token('bob', 'invitations:read')}` },
    );
    expect(noScope.member).toBe('ForbiddenError');
    expect(noScope.lines).toEqual([
      expect.objectContaining({
        caller: 'sub:bob',
        action: 'updateInvitationRoles',
        projectId: payments,
        invitationId: target.id,
        roles: ['GROUP_READ_ONLY'],
        result: 'ForbiddenError',
        code: 'FORBIDDEN',
      }),
    ]);

    const otherProject = await change(
      stack,
      DELETE,
      { p: payments, i: target.id },
      { authorization: `Bearer ${token('carol', 'invitations:read invitations:write', ['bbbbbbbbbbbbbbbbbbbbbbbb'])}` },
    );
    expect(otherProject.lines[0]).toMatchObject({
      caller: 'sub:carol',
      action: 'deleteInvitation',
      result: 'ForbiddenError',
    });
    // Neither refused change reached Ops Manager.
    expect(stack.simulator.store.getInvitation(target.id)!.roles).toEqual(['GROUP_OWNER']);
  });

  it('records a change refused behind the subgraph under its plain action, not its namespaced field', async () => {
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const namespaced = `mutation($p: OpsManagerObjectID!, $i: OpsManagerObjectID!) {
      opsManagerDeleteInvitation(projectId: $p, invitationId: $i) { __typename }
    }`;
    const refused = await change(
      { ...stack, url: stack.url.replace(/\/graphql$/, '/subgraph') },
      namespaced,
      { p: payments, i: target.id },
      {
        authorization: `Bearer ${token('dave', 'invitations:read')}`,
      },
    );
    expect(refused.member).toBe('OpsManagerForbiddenError');
    expect(refused.lines).toEqual([
      expect.objectContaining({
        caller: 'sub:dave',
        action: 'deleteInvitation',
        projectId: payments,
        invitationId: target.id,
        result: 'ForbiddenError',
      }),
    ]);
    expect(stack.simulator.store.getInvitation(target.id)).toBeDefined();
  });
});
