import { attemptChange } from '../changes/attempts.ts';
import { settleByReadingBack } from '../changes/read-back.ts';
import { AlreadyExistsError, InvalidInputError, OutcomeUnknownError } from '../errors.ts';
import type { Invitation, ProjectRole } from '../ops-manager/schemas.ts';
import { builder } from './builder.ts';
import { commonMutationErrors } from './errors.ts';
import { InvitationRef } from './invitation.ts';
import { ProjectRef } from './project.ts';
import { ProjectRoleEnum } from './roles.ts';

/** Roles must be non-empty; repeats are dropped, keeping the first occurrence's order. */
function checkRoles(roles: readonly ProjectRole[]): ProjectRole[] {
  if (roles.length === 0) throw new InvalidInputError('Give at least one role.', { field: 'roles' });
  return [...new Set(roles)];
}


const InvitationSelector = builder.inputType('InvitationSelector', {
  description: 'Which invitation of the project: exactly one of `id` or `username`.',
  isOneOf: true,
  fields: (t) => ({
    id: t.field({ type: 'ObjectID', required: false, description: 'The invitation id (Ops Manager’s PATCH /invites/{INVITATION-ID}).' }),
    username: t.field({
      type: 'EmailAddress',
      required: false,
      description: 'The invited email address (the Cloud Manager form, PATCH /invites with a username).',
    }),
  }),
});

/** Whether a success was read back rather than answered (see settleByReadingBack). */
interface Confirmation {
  confirmedByReadBack: boolean;
}

const CONFIRMED_DESCRIPTION =
  'False when Ops Manager answered the change. True when its answer was lost (a timeout, a dropped connection, ' +
  'an unreadable answer) and the gateway confirmed the change by reading the project again: the state asked for holds.';

const InvitationRolesUpdated = builder.objectRef<{ invitation: Invitation } & Confirmation>('InvitationRolesUpdated').implement({
  description: 'The invitation now carries exactly the roles given.',
  fields: (t) => ({
    invitation: t.field({ type: InvitationRef, description: 'The invitation as Ops Manager now has it.', resolve: (r) => r.invitation }),
    confirmedByReadBack: t.exposeBoolean('confirmedByReadBack', { description: CONFIRMED_DESCRIPTION }),
  }),
});

const InvitationCreated = builder.objectRef<{ invitation: Invitation } & Confirmation>('InvitationCreated').implement({
  description: 'Ops Manager sent the invitation.',
  fields: (t) => ({
    invitation: t.field({ type: InvitationRef, description: 'The new invitation.', resolve: (r) => r.invitation }),
    confirmedByReadBack: t.exposeBoolean('confirmedByReadBack', { description: CONFIRMED_DESCRIPTION }),
  }),
});

const InvitationDeleted = builder.objectRef<{ invitationId: string; projectId: string } & Confirmation>('InvitationDeleted').implement({
  description: 'The invitation is gone; the user can no longer accept it.',
  fields: (t) => ({
    invitationId: t.field({ type: 'ObjectID', description: 'The id of the deleted invitation.', resolve: (r) => r.invitationId }),
    project: t.field({ type: ProjectRef, description: 'The project, to read what is left.', resolve: (r) => ({ id: r.projectId }) }),
    confirmedByReadBack: t.exposeBoolean('confirmedByReadBack', { description: CONFIRMED_DESCRIPTION }),
  }),
});

builder.mutationFields((t) => ({
  updateInvitationRoles: t.field({
    type: InvitationRolesUpdated,
    description:
      'Replace ALL roles of a pending invitation with `roles` (roles not listed are removed, as Ops Manager does). ' +
      'Select the invitation by id or by username.',
    errors: { types: commonMutationErrors, directResult: true, union: { name: 'UpdateInvitationRolesResult' } },
    authScopes: (_root, { projectId }) => ({ $all: { write: true, project: projectId } }),
    args: {
      projectId: t.arg({ type: 'ObjectID', required: true, description: 'The project id (GROUP-ID).' }),
      invitation: t.arg({ type: InvitationSelector, required: true, description: 'Which invitation: by id or by username.' }),
      roles: t.arg({ type: [ProjectRoleEnum], required: true, description: 'The complete new set of roles; at least one.' }),
    },
    resolve: async (_root, { projectId, invitation, roles }, { client, loaders, signal, deadlineAt, requestId, changes }) => {
      const change = { action: 'updateInvitationRoles', projectId, invitationId: invitation.id ?? undefined, username: invitation.username ?? undefined, roles } as const;
      try {
        return await attemptChange(
          changes,
          change,
          async () => {
            const wanted = checkRoles(roles);
            const options = { signal, deadlineAt, requestId };
            try {
              const updated = invitation.id
                ? await client.updateInvitationRoles(projectId, invitation.id, wanted, options)
                : await client.updateInvitationRolesByUsername(projectId, invitation.username!, wanted, options);
              return { invitation: updated, confirmedByReadBack: false };
            } catch (error) {
              if (!(error instanceof OutcomeUnknownError)) throw error;
              const desired = { kind: 'roles', invitationId: invitation.id ?? undefined, username: invitation.username ?? undefined, roles: wanted } as const;
              return settleByReadingBack(client, projectId, desired, error, options, (read) => ({ invitation: read!, confirmedByReadBack: true }));
            }
          },
          ({ invitation: updated, confirmedByReadBack }) => ({ result: 'InvitationRolesUpdated', invitationId: updated.id, confirmedByReadBack }),
        );
      } finally {
        // Whatever happened, this operation's cached list of the project may be stale now.
        loaders.invitationsByProject.clear(projectId);
      }
    },
  }),
  createInvitation: t.field({
    type: InvitationCreated,
    description: 'Invite an email address to a project with the given roles (POST /invites). The invitation expires in 30 days.',
    errors: { types: [...commonMutationErrors, AlreadyExistsError], directResult: true, union: { name: 'CreateInvitationResult' } },
    authScopes: (_root, { projectId }) => ({ $all: { write: true, project: projectId } }),
    args: {
      projectId: t.arg({ type: 'ObjectID', required: true, description: 'The project id (GROUP-ID).' }),
      username: t.arg({ type: 'EmailAddress', required: true, description: 'The email address to invite.' }),
      roles: t.arg({ type: [ProjectRoleEnum], required: true, description: 'The roles the user gets on accepting; at least one.' }),
    },
    resolve: async (_root, { projectId, username, roles }, { client, loaders, signal, deadlineAt, requestId, changes }) => {
      try {
        return await attemptChange(
          changes,
          { action: 'createInvitation', projectId, username, roles },
          async () => {
            const wanted = checkRoles(roles);
            const options = { signal, deadlineAt, requestId };
            try {
              return { invitation: await client.createInvitation(projectId, { username, roles: wanted }, options), confirmedByReadBack: false };
            } catch (error) {
              if (!(error instanceof OutcomeUnknownError)) throw error;
              const desired = { kind: 'invited', username, roles: wanted } as const;
              return settleByReadingBack(client, projectId, desired, error, options, (read) => ({ invitation: read!, confirmedByReadBack: true }));
            }
          },
          ({ invitation, confirmedByReadBack }) => ({ result: 'InvitationCreated', invitationId: invitation.id, confirmedByReadBack }),
        );
      } finally {
        loaders.invitationsByProject.clear(projectId);
      }
    },
  }),
  deleteInvitation: t.field({
    type: InvitationDeleted,
    description: 'Delete a pending invitation (an accepted invitation cannot be deleted: Ops Manager no longer lists it).',
    errors: { types: commonMutationErrors, directResult: true, union: { name: 'DeleteInvitationResult' } },
    authScopes: (_root, { projectId }) => ({ $all: { write: true, project: projectId } }),
    args: {
      projectId: t.arg({ type: 'ObjectID', required: true, description: 'The project id (GROUP-ID).' }),
      invitationId: t.arg({ type: 'ObjectID', required: true, description: 'The invitation id (INVITATION-ID).' }),
    },
    resolve: async (_root, { projectId, invitationId }, { client, loaders, signal, deadlineAt, requestId, changes }) => {
      try {
        return await attemptChange(
          changes,
          { action: 'deleteInvitation', projectId, invitationId },
          async () => {
            const options = { signal, deadlineAt, requestId };
            try {
              await client.deleteInvitation(projectId, invitationId, options);
              return { invitationId, projectId, confirmedByReadBack: false };
            } catch (error) {
              if (!(error instanceof OutcomeUnknownError)) throw error;
              return settleByReadingBack(client, projectId, { kind: 'gone', invitationId }, error, options, () => ({ invitationId, projectId, confirmedByReadBack: true }));
            }
          },
          ({ confirmedByReadBack }) => ({ result: 'InvitationDeleted', confirmedByReadBack }),
        );
      } finally {
        loaders.invitationsByProject.clear(projectId);
      }
    },
  }),
}));
