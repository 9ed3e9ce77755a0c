import type { Completed } from '../changes/completion.ts';
import { AlreadyExistsError, ConcurrentChangeError, InvalidInputError } from '../errors/index.ts';
import type { Invitation, ProjectRole } from '../invitation.ts';
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
    id: t.field({
      type: 'ObjectID',
      required: false,
      description: 'The invitation id (Ops Manager’s PATCH /invites/{INVITATION-ID}).',
    }),
    username: t.field({
      type: 'EmailAddress',
      required: false,
      description: 'The invited email address (the Cloud Manager form, PATCH /invites with a username).',
    }),
  }),
});

const CONFIRMED_DESCRIPTION =
  'False when Ops Manager responded to the mutation. True when a response was lost (a timeout, a dropped connection, ' +
  'an unreadable response) and the gateway confirmed the mutation by reading the project again: the state asked for holds.';

const ATTEMPTS_DESCRIPTION =
  'How many times the gateway sent the mutation to Ops Manager: 1, or 2 when the first response was lost, a read of the ' +
  'project did not show the mutation, and the gateway sent it once more (safe for this mutation: sent twice, it ends in ' +
  'the same state). Never more than 2.';

const InvitationRolesUpdated = builder
  .objectRef<Completed<{ invitation: Invitation }>>('InvitationRolesUpdated')
  .implement({
    description: 'The invitation now carries exactly the roles given.',
    fields: (t) => ({
      invitation: t.field({
        type: InvitationRef,
        description: 'The invitation as Ops Manager now has it.',
        resolve: (r) => r.invitation,
      }),
      confirmedByReadBack: t.exposeBoolean('confirmedByReadBack', { description: CONFIRMED_DESCRIPTION }),
      attempts: t.exposeInt('attempts', { description: ATTEMPTS_DESCRIPTION }),
    }),
  });

const InvitationCreated = builder.objectRef<Completed<{ invitation: Invitation }>>('InvitationCreated').implement({
  description: 'Ops Manager sent the invitation.',
  fields: (t) => ({
    invitation: t.field({ type: InvitationRef, description: 'The new invitation.', resolve: (r) => r.invitation }),
    confirmedByReadBack: t.exposeBoolean('confirmedByReadBack', { description: CONFIRMED_DESCRIPTION }),
    attempts: t.exposeInt('attempts', { description: ATTEMPTS_DESCRIPTION }),
  }),
});

const InvitationDeleted = builder
  .objectRef<Completed<{ invitationId: string; projectId: string }>>('InvitationDeleted')
  .implement({
    description: 'The invitation is gone; the user can no longer accept it.',
    fields: (t) => ({
      invitationId: t.field({
        type: 'ObjectID',
        description: 'The id of the deleted invitation.',
        resolve: (r) => r.invitationId,
      }),
      project: t.field({
        type: ProjectRef,
        description: 'The project, to read what is left.',
        resolve: (r) => ({ id: r.projectId }),
      }),
      confirmedByReadBack: t.exposeBoolean('confirmedByReadBack', { description: CONFIRMED_DESCRIPTION }),
      attempts: t.exposeInt('attempts', { description: ATTEMPTS_DESCRIPTION }),
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
      invitation: t.arg({
        type: InvitationSelector,
        required: true,
        description: 'Which invitation: by id or by username.',
      }),
      roles: t.arg({
        type: [ProjectRoleEnum],
        required: true,
        description: 'The complete new set of roles; at least one.',
      }),
    },
    resolve: (_root, { projectId, invitation, roles }, { upstream, changes }) =>
      changes.attempt(
        {
          action: 'updateInvitationRoles',
          projectId,
          invitationId: invitation.id ?? undefined,
          username: invitation.username ?? undefined,
          roles,
        },
        (sends) => upstream.updateInvitationRoles(projectId, invitation, checkRoles(roles), sends),
      ),
  }),
  createInvitation: t.field({
    type: InvitationCreated,
    description:
      'Invite an email address to a project with the given roles (POST /invites). The invitation expires in 30 days.',
    errors: {
      types: [...commonMutationErrors, AlreadyExistsError, ConcurrentChangeError],
      directResult: true,
      union: { name: 'CreateInvitationResult' },
    },
    authScopes: (_root, { projectId }) => ({ $all: { write: true, project: projectId } }),
    args: {
      projectId: t.arg({ type: 'ObjectID', required: true, description: 'The project id (GROUP-ID).' }),
      username: t.arg({ type: 'EmailAddress', required: true, description: 'The email address to invite.' }),
      roles: t.arg({
        type: [ProjectRoleEnum],
        required: true,
        description: 'The roles the user gets on accepting; at least one.',
      }),
    },
    resolve: (_root, { projectId, username, roles }, { upstream, changes }) =>
      changes.attempt({ action: 'createInvitation', projectId, username, roles }, (sends) =>
        upstream.createInvitation(projectId, { username, roles: checkRoles(roles) }, sends),
      ),
  }),
  deleteInvitation: t.field({
    type: InvitationDeleted,
    description:
      'Delete a pending invitation (an accepted invitation cannot be deleted: Ops Manager no longer lists it).',
    errors: { types: commonMutationErrors, directResult: true, union: { name: 'DeleteInvitationResult' } },
    authScopes: (_root, { projectId }) => ({ $all: { write: true, project: projectId } }),
    args: {
      projectId: t.arg({ type: 'ObjectID', required: true, description: 'The project id (GROUP-ID).' }),
      invitationId: t.arg({ type: 'ObjectID', required: true, description: 'The invitation id (INVITATION-ID).' }),
    },
    resolve: (_root, { projectId, invitationId }, { upstream, changes }) =>
      changes.attempt({ action: 'deleteInvitation', projectId, invitationId }, (sends) =>
        upstream.deleteInvitation(projectId, invitationId, sends),
      ),
  }),
}));
