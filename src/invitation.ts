import { z } from 'zod';

/*
 * The gateway's invitation, as the schema, the change checks and the errors speak of it: the project roles, the
 * Invitation type, how usernames match and how timestamps print. The upstream client (ops-manager/schemas.ts) reads
 * Ops Manager's bodies into these at its edge.
 */

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
export function parseTimestamp(text: string): Date {
  const date: StampedDate = new Date(text);
  if (CANONICAL.test(text)) date[CANONICAL_TEXT] = text;
  return date;
}

/** ISO 8601 in UTC, without milliseconds when they are zero: "2021-02-18T18:51:46Z". */
export function formatTimestamp(date: Date): string {
  return (date as StampedDate)[CANONICAL_TEXT] ?? date.toISOString().replace('.000Z', 'Z');
}

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

/**
 * How a username filter matches an invitation, on every path (list filter, update by username): the whole address,
 * trimmed, compared case-insensitively. Email local parts are case-sensitive in theory, but Ops Manager treats
 * usernames case-insensitively and no real mailbox differs from another by case alone.
 */
export function sameUsername(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
