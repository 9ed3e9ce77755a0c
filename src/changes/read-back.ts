import type { CallContext, OpsManagerClient } from '../ops-manager/client.ts';
import { type Invitation, sameUsername } from '../invitation.ts';

/** The state a change asked for, checked against a fresh read of its project. */
export type DesiredState =
  | { kind: 'invited'; username: string; roles: readonly string[] }
  | { kind: 'roles'; invitationId?: string | undefined; username?: string | undefined; roles: readonly string[] }
  | { kind: 'gone'; invitationId: string };

/**
 * What a read shows about a change whose response was lost:
 * - `applied`: the state it asked for holds;
 * - `not-applied`: the state it started from (as far as the gateway can tell), so sending it again
 *   can only complete it;
 * - `concurrent`: a state it neither started from nor asked for (someone else changed the
 *   invitation): sending it again would overwrite that.
 */
export type ReadBackState = 'applied' | 'not-applied' | 'concurrent';

export interface ReadBackResult {
  state: ReadBackState;
  /** The invitation the change is about, as read; null when the project has none. */
  invitation: Invitation | null;
}

/**
 * Reads the change's project again (a fresh GET: never the operation's cache; retried like any
 * read, within the operation's deadline) and compares it with the state the change asked for.
 * A failed read throws the client's error.
 */
export async function readBack(
  client: OpsManagerClient,
  projectId: string,
  desired: DesiredState,
  options: CallContext,
): Promise<ReadBackResult> {
  return compare(await client.listInvitations(projectId, options), desired);
}

/**
 * Which state the read shows. Only a create knows the state it started from: no invitation for
 * the address. An update's previous roles and a delete's previous invitation are not known to the
 * gateway (it does not read before writing), so for them anything but the state asked for counts
 * as not yet applied: setting the same role list twice is the same, and a second delete of an
 * invitation that is gone is a 404.
 */
export function compare(invitations: readonly Invitation[], desired: DesiredState): ReadBackResult {
  const invitation = concerned(invitations, desired);
  if (desired.kind === 'gone') return { state: invitation === null ? 'applied' : 'not-applied', invitation };
  if (invitation !== null && sameRoles(invitation.roleNames, desired.roles)) return { state: 'applied', invitation };
  // A create found an invitation for the address with other roles: someone else's.
  if (desired.kind === 'invited' && invitation !== null) return { state: 'concurrent', invitation };
  return { state: 'not-applied', invitation };
}

function concerned(invitations: readonly Invitation[], desired: DesiredState): Invitation | null {
  const byId = 'invitationId' in desired && desired.invitationId;
  const username = 'username' in desired ? desired.username : undefined;
  return (
    invitations.find((invitation) =>
      byId ? invitation.id === byId : username !== undefined && sameUsername(invitation.username, username),
    ) ?? null
  );
}

/** Ops Manager keeps roles as a set: the order it answers in means nothing. */
function sameRoles(actual: readonly string[], wanted: readonly string[]): boolean {
  const a = new Set(actual);
  const w = new Set(wanted);
  return a.size === w.size && [...w].every((role) => a.has(role));
}
