import { OutcomeUnknownError } from '../errors.ts';
import type { CallOptions, OpsManagerClient } from '../ops-manager/client.ts';
import { type Invitation, sameUsername } from '../ops-manager/schemas.ts';

/** The state a change asked for, checked against a fresh read of its project. */
export type DesiredState =
  | { kind: 'invited'; username: string; roles: readonly string[] }
  | { kind: 'roles'; invitationId?: string | undefined; username?: string | undefined; roles: readonly string[] }
  | { kind: 'gone'; invitationId: string };

/**
 * A change whose outcome is unknown (a timeout or reset after sending, an unreadable 2xx) is
 * settled by reading its project again: a fresh GET (never the operation's cache; retried like
 * any read, within the operation's deadline), compared with the state the change asked for.
 *
 * - The desired state holds: the change is confirmed; this resolves to the invitation as read
 *   (null for a delete) and the caller answers its success member, marked as confirmed.
 * - It does not hold: the same OutcomeUnknownError, now carrying what was read (the change may
 *   still apply: a request Ops Manager has not finished is not visible yet).
 * - The read fails too: the OutcomeUnknownError as it was.
 */
export async function settleByReadingBack(
  client: OpsManagerClient,
  projectId: string,
  desired: DesiredState,
  unknown: OutcomeUnknownError,
  options: CallOptions,
): Promise<Invitation | null> {
  let invitations: Invitation[];
  try {
    invitations = await client.listInvitations(projectId, options);
  } catch {
    throw unknown;
  }
  const current = concerned(invitations, desired);
  if (holds(current, desired)) return current;
  throw new OutcomeUnknownError(`${unknown.message} A read of the project afterwards did not show the change (yet): it may still be applied.`, {
    cause: unknown,
    readBack: { invitation: current },
  });
}

function concerned(invitations: readonly Invitation[], desired: DesiredState): Invitation | null {
  const byId = 'invitationId' in desired && desired.invitationId;
  const username = 'username' in desired ? desired.username : undefined;
  return (
    invitations.find((invitation) => (byId ? invitation.id === byId : username !== undefined && sameUsername(invitation.username, username))) ??
    null
  );
}

function holds(current: Invitation | null, desired: DesiredState): boolean {
  if (desired.kind === 'gone') return current === null;
  return current !== null && sameRoles(current.roleNames, desired.roles);
}

/** Ops Manager keeps roles as a set: the order it answers in means nothing. */
function sameRoles(actual: readonly string[], wanted: readonly string[]): boolean {
  const a = new Set(actual);
  const w = new Set(wanted);
  return a.size === w.size && [...w].every((role) => a.has(role));
}
