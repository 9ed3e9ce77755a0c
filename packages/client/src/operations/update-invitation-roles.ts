import { UpdateInvitationRolesDocument } from '../generated/graphql.js';
import type { MutationOptions, Transport } from '../transport.js';
import type { InvitationSelector, ProjectRole, UpdateInvitationRolesResult } from '../types.js';

/** Replaces all roles of the invitation chosen by `{ id }` or `{ username }`; expected failures are typed results. */
export async function updateInvitationRoles(
  transport: Transport,
  projectId: string,
  invitation: InvitationSelector,
  roles: readonly ProjectRole[],
  options: MutationOptions = {},
): Promise<UpdateInvitationRolesResult> {
  const result = await transport.mutate(
    UpdateInvitationRolesDocument,
    { projectId, invitation, roles: [...roles] },
    options,
  );
  return result.updateInvitationRoles;
}
