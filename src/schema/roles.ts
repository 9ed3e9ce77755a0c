import { PROJECT_ROLES } from '../invitation.ts';
import { builder } from './builder.ts';

const descriptions: Record<(typeof PROJECT_ROLES)[number], string> = {
  GROUP_OWNER: 'Project Owner: full administration of the project.',
  GROUP_READ_ONLY: 'Project Read Only: can see the project, change nothing.',
  GROUP_DATA_ACCESS_ADMIN: 'Project Data Access Admin: manage data and indexes, including reading all data.',
  GROUP_DATA_ACCESS_READ_WRITE: 'Project Data Access Read/Write: read and write all data.',
  GROUP_DATA_ACCESS_READ_ONLY: 'Project Data Access Read Only: read all data.',
  GROUP_AUTOMATION_ADMIN: 'Project Automation Admin: manage automation (deployments).',
  GROUP_BACKUP_ADMIN: 'Project Backup Admin: manage backups.',
  GROUP_MONITORING_ADMIN: 'Project Monitoring Admin: manage monitoring and alerts.',
  GROUP_USER_ADMIN: 'Project User Admin: manage users and invitations of the project.',
};

export const ProjectRoleEnum = builder.enumType('ProjectRole', {
  description:
    'An Ops Manager / Cloud Manager project role. Inputs must use one of these; roles that Ops Manager ' +
    'returns but this list does not know are left out of `Invitation.roles` and kept in `Invitation.roleNames`.',
  values: Object.fromEntries(PROJECT_ROLES.map((role) => [role, { value: role, description: descriptions[role] }])) as {
    [Role in (typeof PROJECT_ROLES)[number]]: { value: Role; description: string };
  },
});
