import type { ChangeSend } from '../changes/attempts.ts';
import { type ChangeSpec, type Completed, completeChange } from '../changes/completion.ts';
import type { CallContext, OpsManagerClient } from './client.ts';
import { createDeduplication, type Deduplication } from './deduplication.ts';
import type { Invitation, ProjectRole } from '../invitation.ts';

/** Which invitation of a project: by id, or by username (exactly one; the schema's @oneOf checks it). */
export interface InvitationSelector {
  id?: string | null | undefined;
  username?: string | null | undefined;
}

/**
 * Ops Manager as one GraphQL operation sees it, built by the context for each operation: the client of the caller's
 * credentials, the operation's CallContext (signal, deadline, request id, caller) on every call, and its deduplication.
 * Reads are deduplicated (deduplication.ts); a change, once over, whether it succeeded or not, clears its project
 * there, so a read later in the same operation, or in another, sees it. Resolvers are one call each.
 */
export class UpstreamSession {
  readonly #client: OpsManagerClient;
  readonly #call: CallContext;
  readonly #reads: Deduplication;

  constructor(client: OpsManagerClient, call: CallContext) {
    this.#client = client;
    this.#call = call;
    this.#reads = createDeduplication(client, call);
  }

  /** All pending invitations of the project, oldest first. */
  invitations(projectId: string): Promise<Invitation[]> {
    return this.#reads.invitations(projectId);
  }

  createInvitation(
    projectId: string,
    input: { username: string; roles: readonly ProjectRole[] },
    sends: ChangeSend[] = [],
  ): Promise<Completed<{ invitation: Invitation }>> {
    return this.#change(
      {
        projectId,
        desired: { kind: 'invited', username: input.username, roles: input.roles },
        send: async (options) => ({ invitation: await this.#client.createInvitation(projectId, input, options) }),
        fromRead: (read) => ({ invitation: read! }),
      },
      sends,
    );
  }

  /** Replaces ALL roles of the invitation (PATCH by id, or the Cloud Manager form by username). */
  updateInvitationRoles(
    projectId: string,
    selector: InvitationSelector,
    roles: readonly ProjectRole[],
    sends: ChangeSend[] = [],
  ): Promise<Completed<{ invitation: Invitation }>> {
    return this.#change(
      {
        projectId,
        desired: {
          kind: 'roles',
          invitationId: selector.id ?? undefined,
          username: selector.username ?? undefined,
          roles,
        },
        send: async (options) => ({
          invitation: selector.id
            ? await this.#client.updateInvitationRoles(projectId, selector.id, roles, options)
            : await this.#client.updateInvitationRolesByUsername(projectId, selector.username!, roles, options),
        }),
        fromRead: (read) => ({ invitation: read! }),
      },
      sends,
    );
  }

  deleteInvitation(
    projectId: string,
    invitationId: string,
    sends: ChangeSend[] = [],
  ): Promise<Completed<{ invitationId: string; projectId: string }>> {
    return this.#change(
      {
        projectId,
        desired: { kind: 'gone', invitationId },
        send: async (options) => {
          await this.#client.deleteInvitation(projectId, invitationId, options);
          return { invitationId, projectId };
        },
        fromRead: () => ({ invitationId, projectId }),
      },
      sends,
    );
  }

  /** One change, finished when its response was lost and that is safe (completeChange). */
  async #change<T>(change: ChangeSpec<T>, sends: ChangeSend[]): Promise<Completed<T>> {
    try {
      return await completeChange(this.#client, change, this.#call, sends);
    } finally {
      // Whatever happened, what was read of the project before may be stale now.
      this.#reads.changed(change.projectId);
    }
  }
}
