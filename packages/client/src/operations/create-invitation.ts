import { CreateInvitationDocument } from '../generated/graphql.js';
import type { MutationOptions, Transport } from '../transport.js';
import type { CreateInvitationResult, ProjectRole } from '../types.js';

/** Invites `username` to the project; `AlreadyExistsError` and the other expected failures are typed results. */
export async function createInvitation(
  transport: Transport,
  projectId: string,
  username: string,
  roles: readonly ProjectRole[],
  options: MutationOptions = {},
): Promise<CreateInvitationResult> {
  const result = await transport.mutate(CreateInvitationDocument, { projectId, username, roles: [...roles] }, options);
  return result.createInvitation;
}
