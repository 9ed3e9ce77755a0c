import { PROJECT_ROLES } from './roles.ts';
import type { SimulatorStore } from './store.ts';

/**
 * What the store starts with: the demo projects, nothing, or a generated set whose ids follow from
 * the indexes (see `generatedProjectId`, `generatedInvitationId`) so tests can address them.
 */
export type SeedOption = 'demo' | 'empty' | { projects: number; invitationsPerProject: number };

/** The API key the simulator accepts by default. Not a secret: it only opens the simulator. */
export const DEMO_API_KEY: { readonly publicKey: string; readonly privateKey: string } = Object.freeze({
  publicKey: 'demo-public-key',
  privateKey: 'demo-private-key-not-secret',
});

/** Who appears as `inviterUsername` on invitations created through an API key without an owner of its own. */
export const DEFAULT_API_KEY_OWNER = 'api-key-owner@example.com';

export const DEMO_PROJECTS: readonly { readonly id: string; readonly name: string }[] = Object.freeze([
  { id: '5e8f8268d896f55ac04969a1', name: 'Payments Production' },
  { id: '5e8f8268d896f55ac04969b2', name: 'Analytics Staging' },
  { id: '5e8f8268d896f55ac04969c3', name: 'Internal Tools' },
]);

export const DEMO_PROJECT_IDS: readonly string[] = Object.freeze(DEMO_PROJECTS.map((project) => project.id));

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

export interface DemoInvitation {
  readonly id: string;
  readonly groupId: string;
  readonly username: string;
  readonly roles: readonly string[];
  /** How long before "now" (at seeding) it was created; past 30 days it has expired. */
  readonly ageMs: number;
}

const [payments, analytics, internalTools] = DEMO_PROJECT_IDS as [string, string, string];

/** The demo invitations. `old.contractor@example.net` is 45 days old, so it shows as expired. */
export const DEMO_INVITATIONS: readonly DemoInvitation[] = Object.freeze([
  {
    id: '6123a4b5c6d7e8f901a2b301',
    groupId: payments,
    username: 'jane.smith@example.com',
    roles: ['GROUP_OWNER'],
    ageMs: 2 * DAY_MS + 3 * HOUR_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b302',
    groupId: payments,
    username: 'john.doe@example.com',
    roles: ['GROUP_READ_ONLY'],
    ageMs: 5 * DAY_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b303',
    groupId: payments,
    username: 'priya.patel@example.com',
    roles: ['GROUP_DATA_ACCESS_READ_WRITE', 'GROUP_MONITORING_ADMIN'],
    ageMs: 12 * DAY_MS + 7 * HOUR_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b304',
    groupId: analytics,
    username: 'carlos.mendez@example.org',
    roles: ['GROUP_DATA_ACCESS_READ_ONLY'],
    ageMs: 1 * DAY_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b305',
    groupId: analytics,
    username: 'li.wei@example.com',
    roles: ['GROUP_AUTOMATION_ADMIN', 'GROUP_BACKUP_ADMIN'],
    ageMs: 20 * DAY_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b306',
    groupId: analytics,
    username: 'old.contractor@example.net',
    roles: ['GROUP_READ_ONLY'],
    ageMs: 45 * DAY_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b307',
    groupId: internalTools,
    username: 'ops-oncall@example.com',
    roles: ['GROUP_USER_ADMIN'],
    ageMs: 3 * DAY_MS,
  },
  {
    id: '6123a4b5c6d7e8f901a2b308',
    groupId: internalTools,
    username: 'Anna.Kowalski@Example.com',
    roles: ['GROUP_DATA_ACCESS_ADMIN'],
    ageMs: 7 * DAY_MS + 2 * HOUR_MS,
  },
]);

export const DEMO_EXPIRED_INVITATION_ID = '6123a4b5c6d7e8f901a2b306';

/** Id of the i-th generated project (0-based): '6a' followed by i in hex, zero-padded to 24 characters. */
export function generatedProjectId(projectIndex: number): string {
  return `6a${projectIndex.toString(16).padStart(22, '0')}`;
}

/** Id of the j-th generated invitation (0-based) of the i-th generated project. */
export function generatedInvitationId(projectIndex: number, invitationIndex: number): string {
  return `6b${projectIndex.toString(16).padStart(8, '0')}${invitationIndex.toString(16).padStart(14, '0')}`;
}

/** Username of the j-th generated invitation of the i-th generated project. */
export function generatedUsername(projectIndex: number, invitationIndex: number): string {
  return `user${invitationIndex}.project${projectIndex}@example.com`;
}

/** Fills an empty store. Timestamps are relative to `nowMs`, so "expired" stays expired under any clock. */
export function applySeed(store: SimulatorStore, seed: SeedOption, nowMs: number): void {
  if (seed === 'empty') return;
  if (seed === 'demo') {
    for (const project of DEMO_PROJECTS) store.addProject(project);
    for (const { ageMs, ...invitation } of DEMO_INVITATIONS) {
      store.addInvitation({ ...invitation, inviterUsername: 'admin@example.com', createdAt: nowMs - ageMs });
    }
    return;
  }
  for (let i = 0; i < seed.projects; i += 1) {
    const groupId = store.addProject({ id: generatedProjectId(i), name: `Generated Project ${i}` }).id;
    for (let j = 0; j < seed.invitationsPerProject; j += 1) {
      store.addInvitation({
        id: generatedInvitationId(i, j),
        groupId,
        username: generatedUsername(i, j),
        roles: [PROJECT_ROLES[(i + j) % PROJECT_ROLES.length] ?? 'GROUP_READ_ONLY'],
        inviterUsername: 'admin@example.com',
        createdAt: nowMs - (j + 1) * HOUR_MS,
      });
    }
  }
}
