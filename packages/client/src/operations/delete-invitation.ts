import { DeleteInvitationDocument } from '../generated/graphql.js';
import type { CallOptions, Transport } from '../transport.js';
import type { DeleteInvitationResult } from '../types.js';

/** Deletes an invitation; `InvitationDeleted` carries the project's remaining invitations. */
export async function deleteInvitation(transport: Transport, projectId: string, invitationId: string, options: CallOptions = {}): Promise<DeleteInvitationResult> {
  const result = await transport.request(DeleteInvitationDocument, { projectId, invitationId }, options);
  return result.deleteInvitation;
}
