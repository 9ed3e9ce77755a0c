import type { CallOptions, OpsManagerClient } from './client.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { Invitation, ProjectRole } from './schemas.ts';

/** Which invitation of a project: by id, or by username (exactly one; the schema's @oneOf checks it). */
export interface InvitationSelector {
  id?: string | null | undefined;
  username?: string | null | undefined;
}

/**
 * Ops Manager as one GraphQL operation sees it, built by the context for each operation: the
 * client of the caller's credentials, the operation's signal, deadline and request id on every
 * call, and the operation's loader. Reads go through the loader (one GET per project per
 * operation); a change, once over, whether it succeeded or not, drops its project from the
 * loader, so a read later in the same operation sees it. Resolvers are one call each.
 */
export class UpstreamSession {
  readonly #client: OpsManagerClient;
  readonly #call: CallOptions;
  readonly #loaders: Loaders;

  constructor(client: OpsManagerClient, call: CallOptions) {
    this.#client = client;
    this.#call = call;
    this.#loaders = createLoaders(client, call);
  }

  /** All pending invitations of the project, oldest first. */
  invitations(projectId: string): Promise<Invitation[]> {
    return this.#loaders.invitationsByProject.load(projectId);
  }

  createInvitation(projectId: string, input: { username: string; roles: readonly ProjectRole[] }): Promise<Invitation> {
    return this.#change(projectId, () => this.#client.createInvitation(projectId, input, this.#call));
  }

  /** Replaces ALL roles of the invitation (PATCH by id, or the Cloud Manager form by username). */
  updateInvitationRoles(projectId: string, selector: InvitationSelector, roles: readonly ProjectRole[]): Promise<Invitation> {
    return this.#change(projectId, () =>
      selector.id
        ? this.#client.updateInvitationRoles(projectId, selector.id, roles, this.#call)
        : this.#client.updateInvitationRolesByUsername(projectId, selector.username!, roles, this.#call),
    );
  }

  deleteInvitation(projectId: string, invitationId: string): Promise<void> {
    return this.#change(projectId, () => this.#client.deleteInvitation(projectId, invitationId, this.#call));
  }

  async #change<T>(projectId: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } finally {
      // Whatever happened, this operation's cached list of the project may be stale now.
      this.#loaders.invitationsByProject.clear(projectId);
    }
  }
}
