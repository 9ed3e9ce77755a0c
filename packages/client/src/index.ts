/**
 * The typed client of the Ops Manager invitations gateway. Two ways to call it:
 * - `createInvitationsClient(options)`: an object with all six calls;
 * - `createTransport(options)` and the calls one by one (`listInvitations(transport, id)`):
 *   a bundle then holds only the documents of the calls it imports.
 * The typed documents themselves, for Apollo Client, urql or any other client, are at
 * `ops-manager-invitations-client/documents`; Apollo's `possibleTypes` at
 * `ops-manager-invitations-client/possible-types`.
 */
export { createInvitationsClient, type InvitationsClient, type InvitationsClientOptions } from './client.js';
export { type GatewayError, InvitationsRequestError } from './errors.js';
export { createInvitation } from './operations/create-invitation.js';
export { deleteInvitation } from './operations/delete-invitation.js';
export { getInvitation } from './operations/get-invitation.js';
export { listInvitations, type ListInvitationsOptions } from './operations/list-invitations.js';
export { listInvitationsOfProjects } from './operations/list-invitations-of-projects.js';
export { updateInvitationRoles } from './operations/update-invitation-roles.js';
export {
  type AbortSignalLike,
  type CallOptions,
  createTransport,
  type FetchLike,
  type FetchResponseLike,
  type HeaderRecord,
  type HeadersLike,
  type MutationOptions,
  newIdempotencyKey,
  type Transport,
  type TransportOptions,
} from './transport.js';
export type * from './types.js';
