import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateInvitationDocument,
  DeleteInvitationDocument,
  ProjectInvitationsDocument,
  UpdateInvitationRolesDocument,
} from 'ops-manager-invitations-client/documents';
import { systemClock } from '../../src/clock.ts';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { LIST_ROUTE, type Stack, startStack } from './stack.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const MISSING_PROJECT = 'ffffffffffffffffffffffff';
const MISSING_INVITATION = 'aaaaaaaaaaaaaaaaaaaaaaaa';

describe('mutations over HTTP against the simulator', () => {
  let stack: Stack;
  const NOW = new Date('2030-01-01T00:00:00Z');
  beforeAll(async () => {
    // The real clock stopped at NOW (expiry is fixed), for the gateway and the upstream alike.
    stack = await startStack({ clock: { ...systemClock, now: () => NOW.getTime() } });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.simulator.store.reset();
    stack.simulator.counters.reset();
  });
  const firstOf = (projectId: string) => stack.simulator.store.listInvitations(projectId)[0]!;

  describe('updateInvitationRoles', () => {
    it('replaces all roles of an invitation selected by id (PATCH /invites/{id})', async () => {
      const target = firstOf(payments);
      const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { id: target.id },
        roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN', 'GROUP_READ_ONLY'],
      });
      expect(updateInvitationRoles).toMatchObject({
        __typename: 'InvitationRolesUpdated',
        invitation: { id: target.id, roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'] },
      });
      expect(stack.simulator.store.getInvitation(target.id)!.roles).toEqual(['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN']);
      expect(stack.upstreamCalls('PATCH /groups/{groupId}/invites/{invitationId}')).toBe(1);
    });

    it('selects by username in the Cloud Manager form (PATCH /invites), ignoring case', async () => {
      const target = firstOf(payments);
      const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { username: target.username.toUpperCase() },
        roles: ['GROUP_MONITORING_ADMIN'],
      });
      expect(updateInvitationRoles).toMatchObject({
        __typename: 'InvitationRolesUpdated',
        invitation: { id: target.id, roles: ['GROUP_MONITORING_ADMIN'] },
      });
      expect(stack.upstreamCalls('PATCH /groups/{groupId}/invites')).toBe(1);
    });

    it('shows the change to a read of the same project later in the same operation', async () => {
      const target = firstOf(payments);
      const result = await stack.execute(
        `mutation Consistent($p: ObjectID!, $i: ObjectID!) {
          before: updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: [GROUP_OWNER]) {
            ... on InvitationRolesUpdated { invitation { project { invitation(id: $i) { roles } } } }
          }
          after: updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: [GROUP_USER_ADMIN]) {
            ... on InvitationRolesUpdated { invitation { project { invitation(id: $i) { roles } invitations { id roles } } } }
          }
        }`,
        { p: payments, i: target.id },
      );
      expect(result.errors).toBeUndefined();
      const data = result.data as Record<
        string,
        {
          invitation: {
            project: { invitation: { roles: string[] }; invitations?: Array<{ id: string; roles: string[] }> };
          };
        }
      >;
      expect(data.before!.invitation.project.invitation.roles).toEqual(['GROUP_OWNER']);
      expect(data.after!.invitation.project.invitation.roles).toEqual(['GROUP_USER_ADMIN']);
      expect(data.after!.invitation.project.invitations!.find((i) => i.id === target.id)!.roles).toEqual([
        'GROUP_USER_ADMIN',
      ]);
    });

    it('refuses an empty role list as InvalidInputError, without calling Ops Manager', async () => {
      const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { id: firstOf(payments).id },
        roles: [],
      });
      expect(updateInvitationRoles).toEqual({
        __typename: 'InvalidInputError',
        code: 'BAD_USER_INPUT',
        message: 'Give at least one role.',
        field: 'roles',
      });
      expect(stack.simulator.counters.snapshot().requests).toBe(0);
    });

    it('answers NotFoundError for an unknown invitation, by id and by username', async () => {
      const byId = await stack.request(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { id: MISSING_INVITATION },
        roles: ['GROUP_OWNER'],
      });
      expect(byId.updateInvitationRoles).toMatchObject({ __typename: 'NotFoundError', code: 'INVITATION_NOT_FOUND' });
      const byName = await stack.request(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { username: 'nobody@example.com' },
        roles: ['GROUP_OWNER'],
      });
      expect(byName.updateInvitationRoles).toMatchObject({ __typename: 'NotFoundError', code: 'INVITATION_NOT_FOUND' });
    });

    it('answers NotFoundError PROJECT_NOT_FOUND for an unknown project', async () => {
      const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
        projectId: MISSING_PROJECT,
        invitation: { id: MISSING_INVITATION },
        roles: ['GROUP_OWNER'],
      });
      expect(updateInvitationRoles).toMatchObject({ __typename: 'NotFoundError', code: 'PROJECT_NOT_FOUND' });
    });

    it('answers ForbiddenError when the key is not Project User Admin there (401 NOT_GROUP_USER_ADMIN)', async () => {
      stack.simulator.store.denyUserAdmin(payments);
      const { updateInvitationRoles } = await stack.request(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { id: firstOf(payments).id },
        roles: ['GROUP_OWNER'],
      });
      expect(updateInvitationRoles).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    });

    it('refuses both or neither of id and username (InvitationSelector is @oneOf)', async () => {
      const both = await stack.execute(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { id: firstOf(payments).id, username: 'jane.smith@example.com' },
        roles: ['GROUP_OWNER'],
      });
      expect(both.status).toBe(400);
      expect(both.errors?.[0]?.message).toMatch(/exactly one key/i);
      const neither = await stack.execute(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: {},
        roles: ['GROUP_OWNER'],
      });
      expect(neither.status).toBe(400);
      expect(stack.simulator.counters.snapshot().requests).toBe(0);
    });

    it('refuses a role outside the enum before any upstream call', async () => {
      const result = await stack.execute(UpdateInvitationRolesDocument, {
        projectId: payments,
        invitation: { id: firstOf(payments).id },
        roles: ['ORG_OWNER'],
      });
      expect(result.status).toBe(400);
      expect(stack.simulator.counters.snapshot().requests).toBe(0);
    });
  });

  describe('createInvitation', () => {
    it('invites an address (POST /invites), expiring 30 days after it was sent', async () => {
      const { createInvitation } = await stack.request(CreateInvitationDocument, {
        projectId: analytics,
        username: 'new.person@example.com',
        roles: ['GROUP_DATA_ACCESS_READ_ONLY'],
      });
      expect(createInvitation.__typename).toBe('InvitationCreated');
      if (createInvitation.__typename !== 'InvitationCreated') return;
      const { invitation } = createInvitation;
      expect(invitation).toMatchObject({
        username: 'new.person@example.com',
        roles: ['GROUP_DATA_ACCESS_READ_ONLY'],
        project: { id: analytics },
      });
      expect(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)).toBe(30 * 24 * 3600 * 1000);
      expect(stack.simulator.store.getInvitation(invitation.id)).toMatchObject({ username: 'new.person@example.com' });
      expect(stack.simulator.counters.snapshot().applied).toBe(1);
    });

    it('answers AlreadyExistsError for an address with a pending invitation', async () => {
      const { createInvitation } = await stack.request(CreateInvitationDocument, {
        projectId: payments,
        username: firstOf(payments).username,
        roles: ['GROUP_OWNER'],
      });
      expect(createInvitation).toMatchObject({ __typename: 'AlreadyExistsError', code: 'INVITATION_ALREADY_EXISTS' });
    });

    it('makes a read later in the same operation see the new invitation', async () => {
      const result = await stack.execute(
        `mutation { createInvitation(projectId: "${payments}", username: "later@example.com", roles: [GROUP_OWNER]) {
          ... on InvitationCreated { invitation { project { invitations(username: "later@example.com") { username } } } } } }`,
      );
      expect(result.data).toEqual({
        createInvitation: { invitation: { project: { invitations: [{ username: 'later@example.com' }] } } },
      });
    });
  });

  describe('deleteInvitation', () => {
    it('deletes (DELETE /invites/{id}, 204) and the project read in the same operation no longer lists it', async () => {
      const target = firstOf(payments);
      const before = await stack.request(ProjectInvitationsDocument, { projectId: payments });
      const { deleteInvitation } = await stack.request(DeleteInvitationDocument, {
        projectId: payments,
        invitationId: target.id,
      });
      expect(deleteInvitation.__typename).toBe('InvitationDeleted');
      if (deleteInvitation.__typename !== 'InvitationDeleted') return;
      expect(deleteInvitation.invitationId).toBe(target.id);
      expect(deleteInvitation.project.invitations!.map((i) => i.id)).toEqual(
        before.project.invitations!.map((i) => i.id).filter((id) => id !== target.id),
      );
      expect(stack.simulator.store.getInvitation(target.id)).toBeUndefined();
      expect(stack.upstreamCalls('DELETE /groups/{groupId}/invites/{invitationId}')).toBe(1);
      // One GET before, one GET after the delete: the cache was dropped, not patched by guesswork.
      expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    });

    it('drops the project from the operation’s cache, so a list read earlier in the same operation is not reused', async () => {
      const [keep, remove] = stack.simulator.store.listInvitations(payments) as unknown as [
        { id: string },
        { id: string },
      ];
      const result = await stack.execute(
        `mutation ReadThenDelete($p: ObjectID!, $keep: ObjectID!, $remove: ObjectID!) {
          first: updateInvitationRoles(projectId: $p, invitation: { id: $keep }, roles: [GROUP_OWNER]) {
            ... on InvitationRolesUpdated { invitation { project { invitations { id } } } }
          }
          second: deleteInvitation(projectId: $p, invitationId: $remove) {
            ... on InvitationDeleted { project { invitations { id } } }
          }
        }`,
        { p: payments, keep: keep.id, remove: remove.id },
      );
      expect(result.errors).toBeUndefined();
      const data = result.data as {
        first: { invitation: { project: { invitations: Array<{ id: string }> } } };
        second: { project: { invitations: Array<{ id: string }> } };
      };
      expect(data.first.invitation.project.invitations.map((i) => i.id)).toContain(remove.id);
      expect(data.second.project.invitations.map((i) => i.id)).not.toContain(remove.id);
    });

    it('answers NotFoundError for an invitation that is not there (or was already deleted)', async () => {
      const target = firstOf(payments);
      await stack.request(DeleteInvitationDocument, { projectId: payments, invitationId: target.id });
      const again = await stack.request(DeleteInvitationDocument, { projectId: payments, invitationId: target.id });
      expect(again.deleteInvitation).toMatchObject({ __typename: 'NotFoundError', code: 'INVITATION_NOT_FOUND' });
    });
  });
});
