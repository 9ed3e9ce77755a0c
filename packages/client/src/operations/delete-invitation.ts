import { DeleteInvitationDocument } from '../generated/graphql.js';
import type { MutationOptions, Transport } from '../transport.js';
import type { DeleteInvitationResult } from '../types.js';

/** Deletes an invitation; `InvitationDeleted` carries the project's remaining invitations. */
export async function deleteInvitation(
  transport: Transport,
  projectId: string,
  invitationId: string,
  options: MutationOptions = {},
): Promise<DeleteInvitationResult> {
  const result = await transport.mutate(DeleteInvitationDocument, { projectId, invitationId }, options);
  return result.deleteInvitation;
}
