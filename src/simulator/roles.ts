/** The project roles Ops Manager accepts in an invitation. Input is validated against this list. */
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
