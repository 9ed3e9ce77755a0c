/**
 * The project roles Ops Manager accepts in an invitation; input is validated against this list.
 * Kept apart from the gateway's own list (src/invitation.ts) on purpose: the simulator
 * plays the server, and sharing the client's list would hide a mismatch instead of exposing it.
 */
export const PROJECT_ROLES = [
  'GROUP_OWNER',
  'GROUP_READ_ONLY',
  'GROUP_DATA_ACCESS_ADMIN',
  'GROUP_DATA_ACCESS_READ_WRITE',
  'GROUP_DATA_ACCESS_READ_ONLY',
  'GROUP_AUTOMATION_ADMIN',
  'GROUP_BACKUP_ADMIN',
  'GROUP_MONITORING_ADMIN',
  'GROUP_USER_ADMIN',
] as const;

export type ProjectRole = (typeof PROJECT_ROLES)[number];

const known: ReadonlySet<string> = new Set(PROJECT_ROLES);

export function isProjectRole(role: string): role is ProjectRole {
  return known.has(role);
}
