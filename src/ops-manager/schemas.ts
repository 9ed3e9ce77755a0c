import { z } from 'zod';

/**
 * The Ops Manager / Cloud Manager project roles (API-FACTS.md). Inputs are checked against this list; outputs are not,
 * because the upstream may grow new roles (Atlas already has) and a new role must never make a read fail.
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

const knownRoles: ReadonlySet<string> = new Set(PROJECT_ROLES);
export function isProjectRole(role: string): role is ProjectRole {
  return knownRoles.has(role);
}

/** Usernames of invitations are email addresses. */
export const EmailSchema = z.email('must be an email address').max(254);

// Ops Manager writes `2021-02-18T18:51:46Z`; accept fractions and offsets too, so a
// format change upstream does not fail reads.
const Timestamp = z.iso.datetime({ offset: true }).transform(upstreamDate);

/** Upstream text kept on a Date whose text is already in the gateway's output form. */
const CANONICAL_TEXT = Symbol('canonicalText');
type StampedDate = Date & { [CANONICAL_TEXT]?: string };
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * A timestamp from Ops Manager. When its text is exactly what the DateTime scalar prints (`2021-02-18T18:51:46Z`, as
 * Ops Manager writes them), the Date keeps that text, so printing it again costs a property read instead of a
 * toISOString (about a microsecond; two per invitation per alias, the largest single cost of serialising long lists).
 * These Dates are never mutated; a setTime() on one would leave its text stale.
 */
function upstreamDate(text: string): Date {
  const date: StampedDate = new Date(text);
  if (CANONICAL.test(text)) date[CANONICAL_TEXT] = text;
  return date;
}

/** ISO 8601 in UTC, without milliseconds when they are zero: "2021-02-18T18:51:46Z". */
export function formatTimestamp(date: Date): string {
  return (date as StampedDate)[CANONICAL_TEXT] ?? date.toISOString().replace('.000Z', 'Z');
}

/**
 * One invitation as Ops Manager sends it. Unknown extra fields (orgId, teamIds, links, ...) are allowed and dropped;
 * the fields a UI cannot do without are required, the cosmetic ones may be missing.
 */
export const InvitationBodySchema = z.looseObject({
  // Ids are checked strictly on input; on output a tolerant reader is kinder than a failed list.
  id: z.string().min(1),
  groupId: z.string().min(1),
  groupName: z.string().nullish(),
  username: z.string().min(1),
  inviterUsername: z.string().nullish(),
  roles: z.array(z.string()),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});

/** GET /invites answers a bare JSON array (no `results` wrapper, no paging). */
export const InvitationListBodySchema = z.array(InvitationBodySchema);

/**
 * DELETE answers 204 with no body, or (say the docs) an empty JSON object. Anything else
 * on a 2xx is not a response this gateway can vouch for.
 */
export const DeleteBodySchema = z.strictObject({}).transform(() => undefined);

/** An Ops Manager error body. Every field may be missing (a real 401 has no errorCode). */
export const ErrorBodySchema = z.looseObject({
  detail: z.string().optional(),
  error: z.number().optional(),
  errorCode: z.string().optional(),
  reason: z.string().optional(),
  parameters: z.array(z.unknown()).optional(),
});

/** The gateway's own view of an invitation, past the edge. */
export interface Invitation {
  id: string;
  projectId: string;
  projectName: string | null;
  username: string;
  inviterUsername: string | null;
  /** Every role name exactly as Ops Manager sent it, known or not. */
  roleNames: string[];
  createdAt: Date;
  expiresAt: Date;
}

export function toInvitation(body: z.infer<typeof InvitationBodySchema>): Invitation {
  return {
    id: body.id,
    projectId: body.groupId,
    projectName: body.groupName ?? null,
    username: body.username,
    inviterUsername: body.inviterUsername ?? null,
    roleNames: body.roles,
    createdAt: body.createdAt,
    expiresAt: body.expiresAt,
  };
}

/**
 * How a username filter matches an invitation, on every path (list filter, update by username): the whole address,
 * trimmed, compared case-insensitively. Email local parts are case-sensitive in theory, but Ops Manager treats
 * usernames case-insensitively and no real mailbox differs from another by case alone.
 */
export function sameUsername(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
