import { UpdateInvitationRolesDocument } from '../generated/graphql.js';
import type { CallOptions, Transport } from '../transport.js';
import type { InvitationSelector, ProjectRole, UpdateInvitationRolesResult } from '../types.js';

/** Replaces all roles of the invitation chosen by `{ id }` or `{ username }`; expected failures are typed results. */
export async function updateInvitationRoles(
  transport: Transport,
  projectId: string,
  invitation: InvitationSelector,
  roles: readonly ProjectRole[],
  options: CallOptions = {},
): Promise<UpdateInvitationRolesResult> {
  const result = await transport.request(UpdateInvitationRolesDocument, { projectId, invitation, roles: [...roles] }, options);
  return result.updateInvitationRoles;
}
