import type { ChangeSend } from '../changes/attempts.ts';
import { type ChangeSpec, type Completed, completeChange } from '../changes/completion.ts';
import type { DesiredState } from '../changes/read-back.ts';
import type { Invitation, ProjectRole } from '../invitation.ts';
import type { CallContext, OpsManagerClient } from './client.ts';
import { createDeduplication, type Deduplication } from './deduplication.ts';

/** Which invitation of a project: by id, or by username (exactly one; the schema's @oneOf checks it). */
export interface InvitationSelector {
  id?: string | null | undefined;
  username?: string | null | undefined;
}

/**
 * Ops Manager as one GraphQL operation sees it (built for each one): the client of the caller's credentials, the
 * operation's CallContext on every call, its reads deduplicated (deduplication.ts); a change, once over, whether it
 * succeeded or not, clears its project there, so that a later read sees it. Resolvers are one call each.
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
    const desired = { kind: 'invited', username: input.username, roles: input.roles } as const;
    return this.#change(projectId, desired, sends, (call) => this.#client.createInvitation(projectId, input, call));
  }

  /** Replaces ALL roles of the invitation (PATCH by id, or the Cloud Manager form by username). */
  updateInvitationRoles(
    projectId: string,
    { id, username }: InvitationSelector,
    roles: readonly ProjectRole[],
    sends: ChangeSend[] = [],
  ): Promise<Completed<{ invitation: Invitation }>> {
    const desired = { kind: 'roles', invitationId: id ?? undefined, username: username ?? undefined, roles } as const;
    return this.#change(projectId, desired, sends, (call) =>
      id
        ? this.#client.updateInvitationRoles(projectId, id, roles, call)
        : this.#client.updateInvitationRolesByUsername(projectId, username!, roles, call),
    );
  }

  deleteInvitation(
    projectId: string,
    invitationId: string,
    sends: ChangeSend[] = [],
  ): Promise<Completed<{ invitationId: string; projectId: string }>> {
    const deleted = { invitationId, projectId };
    const change: ChangeSpec<typeof deleted> = {
      projectId,
      desired: { kind: 'gone', invitationId },
      send: (call) => this.#client.deleteInvitation(projectId, invitationId, call).then(() => deleted),
      fromRead: () => deleted,
    };
    return this.#complete(change, sends);
  }

  /** A change whose success is the invitation, as Ops Manager answered or as a read showed it. */
  #change(
    projectId: string,
    desired: DesiredState,
    sends: ChangeSend[],
    send: (call: CallContext) => Promise<Invitation>,
  ): Promise<Completed<{ invitation: Invitation }>> {
    const fromRead = (read: Invitation | null) => ({ invitation: read! });
    return this.#complete(
      { projectId, desired, send: async (call) => ({ invitation: await send(call) }), fromRead },
      sends,
    );
  }

  /** One change, finished when its response was lost and that is safe (completeChange). */
  async #complete<T>(change: ChangeSpec<T>, sends: ChangeSend[]): Promise<Completed<T>> {
    try {
      return await completeChange(this.#client, change, this.#call, sends);
    } finally {
      // Whatever happened, what was read of the project before may be stale now.
      this.#reads.changed(change.projectId);
    }
  }
}
