import { InvalidInputError } from '../errors/index.ts';
import { sameUsername } from '../invitation.ts';
import type { GatewayContext } from '../context.ts';
import { builder } from './builder.ts';
import { InvitationRef } from './invitation.ts';

/** A project is known by its id alone: its invitations are fetched only when asked for. */
export interface ProjectShape {
  id: string;
  /**
   * Set when a router's representation carried an id Ops Manager cannot have: every field of
   * ours on this project fails with it, before any upstream call.
   */
  rejected?: InvalidInputError;
}

/** The project's pending invitations, through the operation's upstream handle, `context.upstream` (one GET per project). */
function invitationsOf(project: ProjectShape, upstream: GatewayContext['upstream']) {
  if (project.rejected) throw project.rejected;
  return upstream.invitations(project.id);
}

export const ProjectRef = builder.objectRef<ProjectShape>('Project').implement({
  description: 'An Ops Manager project (called a group in the REST API).',
  fields: (t) => ({
    id: t.field({ type: 'ObjectID', description: 'The project id (GROUP-ID).', resolve: (project) => project.id }),
    invitations: t.field({
      type: [InvitationRef],
      // No upstream call for a caller who may not read this project: FORBIDDEN on this field only.
      authScopes: (project) => ({ $all: { read: true, project: project.id } }),
      // Nullable on purpose: a project that fails (not found, upstream down) becomes null
      // with an error at this path, and its siblings in the same operation still resolve.
      nullable: true,
      description:
        'Pending invitations to the project, oldest first. With `username`, only the invitation to that address: ' +
        'the whole address is compared, ignoring case and surrounding spaces. One Ops Manager call per project per ' +
        'operation, however many aliases and filters ask. Null, with an error carrying `extensions.code`, when ' +
        'the project cannot be read (e.g. PROJECT_NOT_FOUND, UPSTREAM_UNAVAILABLE).',
      args: {
        username: t.arg({
          type: 'EmailAddress',
          required: false,
          description: 'Only invitations to this email address.',
        }),
      },
      resolve: async (project, { username }, { upstream }) => {
        const invitations = await invitationsOf(project, upstream);
        return username ? invitations.filter((invitation) => sameUsername(invitation.username, username)) : invitations;
      },
    }),
    invitation: t.field({
      type: InvitationRef,
      nullable: true,
      authScopes: (project) => ({ $all: { read: true, project: project.id } }),
      description: 'One pending invitation of the project by its id, or null when the project has none with this id.',
      args: { id: t.arg({ type: 'ObjectID', required: true, description: 'The invitation id (INVITATION-ID).' }) },
      resolve: async (project, { id }, { upstream }) =>
        (await invitationsOf(project, upstream)).find((invitation) => invitation.id === id) ?? null,
    }),
  }),
});

/**
 * `Project` is the federation entity, keyed by `id`: a subgraph that owns a project's name or
 * organization gets `invitations` added to it. Resolving a reference makes no upstream call;
 * the fields asked for go through the operation's loader, so one `_entities` request costs one
 * GET per distinct project, however many representations repeat it.
 */
builder.asEntity(ProjectRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }) => projectFromRepresentation(id),
});

/**
 * Representations arrive as `_Any`, and in the subgraph `Project.id` is the company's key
 * scalar (`ID` by default), so the ObjectID scalar never sees them: check them here, the same
 * way, before any call to Ops Manager. A bad id is not a bad reference (the company's graph
 * has that project): the entity resolves, and each of our fields on it resolves to null with
 * BAD_USER_INPUT at its own path, so a router shows exactly which project and field failed.
 */
function projectFromRepresentation(id: unknown): ProjectShape {
  if (typeof id === 'string' && /^[0-9a-fA-F]{24}$/.test(id)) return { id: id.toLowerCase() };
  return {
    id: String(id),
    rejected: new InvalidInputError('This Project id is not an Ops Manager project id (24 hexadecimal characters).', {
      field: 'representations',
    }),
  };
}

builder.queryFields((t) => ({
  project: t.field({
    type: ProjectRef,
    description:
      'A project by id. No call is made until a field of it needs one; a project Ops Manager does not know ' +
      'shows as a PROJECT_NOT_FOUND error on that field.',
    args: { id: t.arg({ type: 'ObjectID', required: true, description: 'The project id (GROUP-ID).' }) },
    resolve: (_root, { id }) => ({ id }),
  }),
  projects: t.field({
    type: [ProjectRef],
    description:
      'Several projects by id, in the order given (at most MAX_PROJECTS_PER_OPERATION ids, 100 unless configured). ' +
      'Each distinct project costs one Ops Manager call per operation; one failing project does not fail the others.',
    args: {
      ids: t.arg({
        type: ['ObjectID'],
        required: true,
        description: 'Project ids, at most MAX_PROJECTS_PER_OPERATION (100 unless configured).',
      }),
    },
    resolve: (_root, { ids }, { limits }) => {
      if (ids.length > limits.projectIds) {
        throw new InvalidInputError(`At most ${limits.projectIds} project ids per call; got ${ids.length}.`, {
          field: 'ids',
          refusesRequest: true,
        });
      }
      return ids.map((id) => ({ id }));
    },
  }),
}));
