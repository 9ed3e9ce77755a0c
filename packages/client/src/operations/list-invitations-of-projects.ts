import { ProjectsInvitationsDocument } from '../generated/graphql.js';
import type { CallOptions, Transport } from '../transport.js';
import type { ProjectInvitations } from '../types.js';

/** The invitations of several projects (at most 100), in the order asked; one request. */
export async function listInvitationsOfProjects(
  transport: Transport,
  projectIds: readonly string[],
  options: CallOptions = {},
): Promise<ProjectInvitations[]> {
  const { projects } = await transport.request(ProjectsInvitationsDocument, { projectIds: [...projectIds] }, options);
  return projects.map((project) => ({ projectId: project.id, invitations: project.invitations ?? [] }));
}
