import { apiErrors } from './errors.ts';
import { isProjectRole } from './roles.ts';

export type InvitationAttribute = 'roles' | 'username';

export interface InvitationRequest {
  roles: string[];
  username: string;
}

// Deliberately simple: one @, no spaces, a dot in the domain. Ops Manager's own check is not documented.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Parses and validates a create/update body the way Ops Manager does, in this order:
 * not a JSON object → INVALID_JSON; an attribute the call does not take → INVALID_ATTRIBUTE;
 * a required attribute missing → MISSING_ATTRIBUTE (an empty `roles` array counts as missing,
 * since an invitation without roles is meaningless); a value of the wrong JSON type →
 * INVALID_JSON_ATTRIBUTE; an unknown role → INVALID_ROLE_FOR_GROUP; a bad address →
 * INVALID_EMAIL_ADDRESS. Duplicate roles are dropped, keeping the first occurrence.
 * `optional` attributes may be absent (or null); when present they are checked the same way.
 */
export function parseInvitationBody<A extends InvitationAttribute, O extends InvitationAttribute = never>(
  raw: Buffer,
  groupId: string,
  attributes: readonly A[],
  optional: readonly O[] = [],
): Pick<InvitationRequest, A> & Partial<Pick<InvitationRequest, O>> {
  const body = parseJsonObject(raw);
  const allowed: ReadonlySet<string> = new Set([...attributes, ...optional]);
  for (const attribute of Object.keys(body)) {
    if (!allowed.has(attribute)) throw apiErrors.invalidAttribute(attribute);
  }
  for (const attribute of attributes) {
    const value = body[attribute];
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
      throw apiErrors.missingAttribute(attribute);
    }
  }
  const present = (attribute: InvitationAttribute) =>
    allowed.has(attribute) && body[attribute] !== undefined && body[attribute] !== null;
  const parsed: Partial<InvitationRequest> = {};
  if (present('roles')) parsed.roles = parseRoles(body['roles'], groupId);
  if (present('username')) parsed.username = parseUsername(body['username']);
  return parsed as Pick<InvitationRequest, A> & Partial<Pick<InvitationRequest, O>>;
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw apiErrors.invalidJson();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw apiErrors.invalidJson();
  return value as Record<string, unknown>;
}

function parseRoles(value: unknown, groupId: string): string[] {
  if (!Array.isArray(value) || !value.every((role): role is string => typeof role === 'string')) {
    throw apiErrors.invalidJsonAttribute('roles');
  }
  const unknownRole = value.find((role) => !isProjectRole(role));
  if (unknownRole !== undefined) throw apiErrors.invalidRoleForGroup(unknownRole, groupId);
  return [...new Set(value)];
}

function parseUsername(value: unknown): string {
  if (typeof value !== 'string') throw apiErrors.invalidJsonAttribute('username');
  if (value.length > 254 || !EMAIL.test(value)) throw apiErrors.invalidEmailAddress();
  return value;
}
