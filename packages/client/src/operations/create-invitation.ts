import { CreateInvitationDocument } from '../generated/graphql.js';
import type { CallOptions, Transport } from '../transport.js';
import type { CreateInvitationResult, ProjectRole } from '../types.js';

/** Invites `username` to the project; `AlreadyExistsError` and the other expected failures are typed results. */
export async function createInvitation(
  transport: Transport,
  projectId: string,
  username: string,
  roles: readonly ProjectRole[],
  options: CallOptions = {},
): Promise<CreateInvitationResult> {
  const result = await transport.request(CreateInvitationDocument, { projectId, username, roles: [...roles] }, options);
  return result.createInvitation;
}
