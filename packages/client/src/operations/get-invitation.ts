import { ProjectInvitationDocument } from '../generated/graphql.js';
import type { CallOptions, Transport } from '../transport.js';
import type { Invitation } from '../types.js';

/** One invitation, or null when the project has no invitation with this id. */
export async function getInvitation(
  transport: Transport,
  projectId: string,
  invitationId: string,
  options: CallOptions = {},
): Promise<Invitation | null> {
  const { project } = await transport.request(ProjectInvitationDocument, { projectId, invitationId }, options);
  return project.invitation;
}
