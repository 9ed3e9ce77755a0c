import { isProjectRole, type Invitation } from '../invitation.ts';
import { builder } from './builder.ts';
import { ProjectRef } from './project.ts';
import { ProjectRoleEnum } from './roles.ts';

export const InvitationRef = builder.objectRef<Invitation>('Invitation');

InvitationRef.implement({
  description:
    'A pending invitation of a user (by email address) to an Ops Manager project, with the roles they will get.',
  fields: (t) => ({
    id: t.field({
      type: 'ObjectID',
      description: 'The invitation id (INVITATION-ID).',
      resolve: (invitation) => invitation.id,
    }),
    project: t.field({
      type: ProjectRef,
      description: 'The project the user is invited to.',
      resolve: (invitation) => ({ id: invitation.projectId }),
    }),
    projectName: t.exposeString('projectName', {
      nullable: true,
      description: 'The project’s name as Ops Manager reports it.',
    }),
    username: t.exposeString('username', {
      description: 'The invited email address; it becomes the user’s Ops Manager username when they accept.',
    }),
    inviterUsername: t.exposeString('inviterUsername', {
      nullable: true,
      description: 'The Ops Manager user who sent the invitation.',
    }),
    roles: t.field({
      type: [ProjectRoleEnum],
      description:
        'The roles the user gets on accepting, as known project roles. A role Ops Manager returns that is not a ' +
        'ProjectRole value is left out here (never an error) and listed in `roleNames`.',
      resolve: (invitation) => invitation.roleNames.filter(isProjectRole),
    }),
    roleNames: t.stringList({
      description: 'Every role name exactly as Ops Manager returned it, including ones newer than this schema.',
      resolve: (invitation) => invitation.roleNames,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When Ops Manager sent the invitation.',
      resolve: (i) => i.createdAt,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'When the invitation expires: 30 days after it was sent.',
      resolve: (invitation) => invitation.expiresAt,
    }),
    expired: t.boolean({
      description:
        'Whether `expiresAt` has passed (by the gateway’s clock); an expired invitation can no longer be accepted.',
      resolve: (invitation, _args, { clock }) => invitation.expiresAt.getTime() <= clock.now(),
    }),
  }),
});
