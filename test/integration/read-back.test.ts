import { describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import type { Invitation } from '../../src/simulator/store.ts';
import { LIST_ROUTE, useStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];

const CREATE = `mutation($p: ObjectID!, $u: EmailAddress!, $r: [ProjectRole!]!) {
  createInvitation(projectId: $p, username: $u, roles: $r) {
    __typename
    ... on InvitationCreated { confirmedByReadBack attempts invitation { username roles } }
    ... on OutcomeUnknownError { code message readBack { invitation { username roles } } }
  }
}`;
const UPDATE_BY_USERNAME = `mutation($p: ObjectID!, $u: EmailAddress!, $r: [ProjectRole!]!) {
  updateInvitationRoles(projectId: $p, invitation: { username: $u }, roles: $r) {
    __typename
    ... on InvitationRolesUpdated { confirmedByReadBack invitation { roles } }
    ... on OutcomeUnknownError { readBack { invitation { roles } } }
  }
}`;
const DELETE = `mutation($p: ObjectID!, $i: ObjectID!) {
  deleteInvitation(projectId: $p, invitationId: $i) {
    __typename
    ... on InvitationDeleted { confirmedByReadBack invitationId }
    ... on OutcomeUnknownError { readBack { invitation { id } } }
  }
}`;

describe('a change whose response was lost is settled by reading the project back', () => {
  const stack = useStack();

  it('an answered change is not marked (confirmedByReadBack: false) and costs no read', async () => {
    const { data } = await stack.execute<any>(CREATE, { p: payments, u: 'plain@example.com', r: ['GROUP_READ_ONLY'] });
    expect(data.createInvitation).toEqual({
      __typename: 'InvitationCreated',
      confirmedByReadBack: false,
      attempts: 1,
      invitation: { username: 'plain@example.com', roles: ['GROUP_READ_ONLY'] },
    });
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(0);
  });

  it('create: applied, then the connection reset → InvitationCreated, confirmed by reading back', async () => {
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'POST' } });
    const { data } = await stack.execute<any>(CREATE, {
      p: payments,
      u: 'Lost.Answer@example.com',
      r: ['GROUP_READ_ONLY', 'GROUP_DATA_ACCESS_READ_ONLY'],
    });
    expect(data.createInvitation).toEqual({
      __typename: 'InvitationCreated',
      confirmedByReadBack: true,
      attempts: 1,
      invitation: { username: 'Lost.Answer@example.com', roles: ['GROUP_READ_ONLY', 'GROUP_DATA_ACCESS_READ_ONLY'] },
    });
    expect(stack.simulator.counters.snapshot().applied).toBe(1);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
    // Shown by the read: not sent again.
    expect(stack.upstreamCalls('POST /groups/{groupId}/invites')).toBe(1);
  });

  it('update by username: applied, answer lost → confirmed; roles compared as a set', async () => {
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'PATCH' } });
    const { data } = await stack.execute<any>(UPDATE_BY_USERNAME, {
      p: payments,
      u: target.username,
      r: ['GROUP_OWNER', 'GROUP_READ_ONLY'],
    });
    expect(data.updateInvitationRoles).toMatchObject({
      __typename: 'InvitationRolesUpdated',
      confirmedByReadBack: true,
    });
    expect(new Set(data.updateInvitationRoles.invitation.roles)).toEqual(new Set(['GROUP_OWNER', 'GROUP_READ_ONLY']));
  });

  it('delete: applied, answer lost → InvitationDeleted, confirmed; not applied, twice → unknown with the invitation still there', async () => {
    const [first, second] = stack.simulator.store.listInvitations(payments) as [
      Invitation,
      Invitation,
      ...Invitation[],
    ];
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'DELETE' } });
    const gone = await stack.execute<any>(DELETE, { p: payments, i: first.id });
    expect(gone.data.deleteInvitation).toEqual({
      __typename: 'InvitationDeleted',
      confirmedByReadBack: true,
      invitationId: first.id,
    });

    // A 2xx of the wrong shape, sent without deleting, to the first attempt and to the second.
    stack.simulator.faults.inject({ kind: 'wrong-shape' }, { match: { method: 'DELETE' }, times: 2 });
    const kept = await stack.execute<any>(DELETE, { p: payments, i: second.id });
    expect(kept.data.deleteInvitation).toEqual({
      __typename: 'OutcomeUnknownError',
      readBack: { invitation: { id: second.id } },
    });
    expect(kept.data.deleteInvitation).not.toHaveProperty('confirmedByReadBack');
    expect(stack.simulator.store.getInvitation(second.id)).toBeDefined();
  });
});
