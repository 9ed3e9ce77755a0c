/**
 * All six calls bound to one transport, for an app that uses most of them:
 *
 *   const invitations = createInvitationsClient({ url: 'https://gateway.example.com/graphql' });
 *   const pending = await invitations.listInvitations(projectId);
 *   const result = await invitations.createInvitation(projectId, 'jane@example.com', ['GROUP_READ_ONLY']);
 *   switch (result.__typename) {
 *     case 'InvitationCreated': show(result.invitation); break;
 *     case 'AlreadyExistsError': warn(result.message); break;
 *     default: fail(result.code, result.message);
 *   }
 *
 * It bundles all six documents; an app that uses one or two calls imports them alone
 * (`listInvitations(transport, projectId)`) and bundles only theirs. Queries throw
 * `InvitationsRequestError` on any GraphQL error; mutations return their result union, typed,
 * and throw only when the gateway refuses the request as a whole.
 */
import { createInvitation } from './operations/create-invitation.js';
import { deleteInvitation } from './operations/delete-invitation.js';
import { getInvitation } from './operations/get-invitation.js';
import { listInvitations, type ListInvitationsOptions } from './operations/list-invitations.js';
import { listInvitationsOfProjects } from './operations/list-invitations-of-projects.js';
import { updateInvitationRoles } from './operations/update-invitation-roles.js';
import { type CallOptions, createTransport, type MutationOptions, type TransportOptions } from './transport.js';
import type {
  CreateInvitationResult,
  DeleteInvitationResult,
  Invitation,
  InvitationSelector,
  ProjectInvitations,
  ProjectRole,
  UpdateInvitationRolesResult,
} from './types.js';

export type InvitationsClientOptions = TransportOptions;

export interface InvitationsClient {
  /** The pending invitations of a project; `username` keeps the one with that whole address, ignoring case. */
  listInvitations(projectId: string, options?: ListInvitationsOptions): Promise<Invitation[]>;
  /** One invitation, or null when the project has no invitation with this id. */
  getInvitation(projectId: string, invitationId: string, options?: CallOptions): Promise<Invitation | null>;
  /** The invitations of several projects (at most 100), in the order asked; one request. */
  listInvitationsOfProjects(projectIds: readonly string[], options?: CallOptions): Promise<ProjectInvitations[]>;
  /** Replaces all roles of the invitation chosen by `{ id }` or `{ username }`. */
  updateInvitationRoles(
    projectId: string,
    selector: InvitationSelector,
    roles: readonly ProjectRole[],
    options?: MutationOptions,
  ): Promise<UpdateInvitationRolesResult>;
  createInvitation(
    projectId: string,
    username: string,
    roles: readonly ProjectRole[],
    options?: MutationOptions,
  ): Promise<CreateInvitationResult>;
  deleteInvitation(projectId: string, invitationId: string, options?: MutationOptions): Promise<DeleteInvitationResult>;
}

export function createInvitationsClient(options: InvitationsClientOptions): InvitationsClient {
  const transport = createTransport(options);
  return {
    listInvitations: (...args) => listInvitations(transport, ...args),
    getInvitation: (...args) => getInvitation(transport, ...args),
    listInvitationsOfProjects: (...args) => listInvitationsOfProjects(transport, ...args),
    updateInvitationRoles: (...args) => updateInvitationRoles(transport, ...args),
    createInvitation: (...args) => createInvitation(transport, ...args),
    deleteInvitation: (...args) => deleteInvitation(transport, ...args),
  };
}
