import { type DesiredState, settleByReadingBack } from '../changes/read-back.ts';
import { OutcomeUnknownError } from '../errors.ts';
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

  createInvitation(projectId: string, input: { username: string; roles: readonly ProjectRole[] }): Promise<Changed<{ invitation: Invitation }>> {
    return this.#change(
      projectId,
      async () => ({ invitation: await this.#client.createInvitation(projectId, input, this.#call) }),
      { kind: 'invited', username: input.username, roles: input.roles },
      (read) => ({ invitation: read! }),
    );
  }

  /** Replaces ALL roles of the invitation (PATCH by id, or the Cloud Manager form by username). */
  updateInvitationRoles(projectId: string, selector: InvitationSelector, roles: readonly ProjectRole[]): Promise<Changed<{ invitation: Invitation }>> {
    return this.#change(
      projectId,
      async () => ({
        invitation: selector.id
          ? await this.#client.updateInvitationRoles(projectId, selector.id, roles, this.#call)
          : await this.#client.updateInvitationRolesByUsername(projectId, selector.username!, roles, this.#call),
      }),
      { kind: 'roles', invitationId: selector.id ?? undefined, username: selector.username ?? undefined, roles },
      (read) => ({ invitation: read! }),
    );
  }

  deleteInvitation(projectId: string, invitationId: string): Promise<Changed<{ invitationId: string; projectId: string }>> {
    return this.#change(
      projectId,
      async () => {
        await this.#client.deleteInvitation(projectId, invitationId, this.#call);
        return { invitationId, projectId };
      },
      { kind: 'gone', invitationId },
      () => ({ invitationId, projectId }),
    );
  }

  /**
   * One change. When its outcome is unknown (its answer was lost), the project is read again
   * and the change is confirmed if the state it asked for holds (settleByReadingBack).
   */
  async #change<T>(projectId: string, send: () => Promise<T>, desired: DesiredState, confirmed: (read: Invitation | null) => T): Promise<Changed<T>> {
    try {
      return { ...(await send()), confirmedByReadBack: false };
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const read = await settleByReadingBack(this.#client, projectId, desired, error, this.#call);
      return { ...confirmed(read), confirmedByReadBack: true };
    } finally {
      // Whatever happened, this operation's cached list of the project may be stale now.
      this.#loaders.invitationsByProject.clear(projectId);
    }
  }
}

/** A change's answer, and whether it was confirmed by reading back rather than answered. */
export type Changed<T> = T & { confirmedByReadBack: boolean };
