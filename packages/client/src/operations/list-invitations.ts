import { ProjectInvitationsDocument } from '../generated/graphql.js';
import type { CallOptions, Transport } from '../transport.js';
import type { Invitation } from '../types.js';

export interface ListInvitationsOptions extends CallOptions {
  /** Keep the invitation of this whole address only, ignoring case. */
  username?: string | undefined;
}

/** The pending invitations of a project. Throws `InvitationsRequestError` (PROJECT_NOT_FOUND, ...). */
export async function listInvitations(
  transport: Transport,
  projectId: string,
  options: ListInvitationsOptions = {},
): Promise<Invitation[]> {
  const { username, ...call } = options;
  const { project } = await transport.request(ProjectInvitationsDocument, { projectId, username }, call);
  // A response with errors throws, so a null `invitations` never gets here; `?? []` only
  // satisfies the nullable type.
  return project.invitations ?? [];
}
