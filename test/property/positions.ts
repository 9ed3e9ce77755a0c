import fc from 'fast-check';
import { DEMO_INVITATIONS } from '../../src/simulator/demo-data.ts';
import { wellFormedId } from './arbitraries.ts';
import { type Call, MISSING_PROJECT, operation, PAYMENTS } from './harness.ts';

/**
 * The argument positions of the schema, each a function from a value to the request that puts
 * it there: through a variable, or written in the document as a literal.
 */

/** A pending invitation of PAYMENTS in the simulator's demo data. */
export const DEMO_INVITATION = DEMO_INVITATIONS.find((invitation) => invitation.groupId === PAYMENTS)!.id;
export const NEW_USERNAME = 'new.person@example.com';

/**
 * A malformed id or email in variables: BAD_USER_INPUT (docs/errors.md), HTTP 400 (a
 * request refused as a whole, to a client accepting application/graphql-response+json).
 */
export const BAD_VARIABLE = { status: [400], codes: ['BAD_USER_INPUT'] } as const;
/** Written in the document instead, they fail validation (or, for a broken escape, parsing). */
export const BAD_LITERAL = { status: [400], codes: ['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED'] } as const;

export type Position = (value: unknown) => Call;

/** Every ObjectID argument, fed through a variable. */
export const ID_VARIABLES: Record<string, Position> = {
  'project(id)': (v) => operation('query ($v: ObjectID!) { project(id: $v) { id invitations { id } } }', { v }),
  'projects(ids) among valid ids': (v) =>
    operation('query ($v: [ObjectID!]!) { projects(ids: $v) { id invitations { id } } }', {
      v: [PAYMENTS, v, MISSING_PROJECT],
    }),
  'Project.invitation(id)': (v) =>
    operation('query ($p: ObjectID!, $v: ObjectID!) { project(id: $p) { invitation(id: $v) { id } } }', {
      p: PAYMENTS,
      v,
    }),
  'createInvitation(projectId)': (v) =>
    operation(
      `mutation ($v: ObjectID!) { createInvitation(projectId: $v, username: "${NEW_USERNAME}", roles: [GROUP_READ_ONLY]) { __typename } }`,
      { v },
    ),
  'deleteInvitation(projectId)': (v) =>
    operation(
      `mutation ($v: ObjectID!) { deleteInvitation(projectId: $v, invitationId: "${DEMO_INVITATION}") { __typename } }`,
      { v },
    ),
  'deleteInvitation(invitationId)': (v) =>
    operation(
      `mutation ($v: ObjectID!) { deleteInvitation(projectId: "${PAYMENTS}", invitationId: $v) { __typename } }`,
      { v },
    ),
  'updateInvitationRoles(invitation: {id})': (v) =>
    operation(
      `mutation ($v: ObjectID!) { updateInvitationRoles(projectId: "${PAYMENTS}", invitation: { id: $v }, roles: [GROUP_OWNER]) { __typename } }`,
      { v },
    ),
  'updateInvitationRoles(invitation: $selector)': (v) =>
    operation(
      `mutation ($s: InvitationSelector!) { updateInvitationRoles(projectId: "${PAYMENTS}", invitation: $s, roles: [GROUP_OWNER]) { __typename } }`,
      { s: { id: v } },
    ),
};

/** Every ObjectID argument, written in the document as a string literal (JSON's escapes are GraphQL's). */
export const ID_LITERALS: Record<string, (literal: string) => string> = {
  'project(id)': (l) => `{ project(id: ${l}) { id invitations { id } } }`,
  'projects(ids)': (l) => `{ projects(ids: ["${PAYMENTS}", ${l}]) { id invitations { id } } }`,
  'Project.invitation(id)': (l) => `{ project(id: "${PAYMENTS}") { invitation(id: ${l}) { id } } }`,
  'deleteInvitation(invitationId)': (l) =>
    `mutation { deleteInvitation(projectId: "${PAYMENTS}", invitationId: ${l}) { __typename } }`,
  'updateInvitationRoles(invitation: {id})': (l) =>
    `mutation { updateInvitationRoles(projectId: "${PAYMENTS}", invitation: { id: ${l} }, roles: [GROUP_OWNER]) { __typename } }`,
};

/** Every EmailAddress argument, fed through a variable. */
export const EMAIL_VARIABLES: Record<string, Position> = {
  'Project.invitations(username)': (v) =>
    operation('query ($p: ObjectID!, $v: EmailAddress) { project(id: $p) { invitations(username: $v) { id } } }', {
      p: PAYMENTS,
      v,
    }),
  'createInvitation(username)': (v) =>
    operation(
      `mutation ($v: EmailAddress!) { createInvitation(projectId: "${PAYMENTS}", username: $v, roles: [GROUP_READ_ONLY]) { __typename } }`,
      { v },
    ),
  'updateInvitationRoles(invitation: {username})': (v) =>
    operation(
      `mutation ($v: EmailAddress!) { updateInvitationRoles(projectId: "${PAYMENTS}", invitation: { username: $v }, roles: [GROUP_OWNER]) { __typename } }`,
      { v },
    ),
};

export const EMAIL_LITERALS: Record<string, (literal: string) => string> = {
  'Project.invitations(username)': (l) => `{ project(id: "${PAYMENTS}") { invitations(username: ${l}) { id } } }`,
  'createInvitation(username)': (l) =>
    `mutation { createInvitation(projectId: "${PAYMENTS}", username: ${l}, roles: [GROUP_READ_ONLY]) { __typename } }`,
};

/** The custom-scalar positions a wrongly typed JSON value can be put in (null is valid for the optional username). */
export const SCALAR_VARIABLES: Record<string, Position> = { ...ID_VARIABLES, ...EMAIL_VARIABLES };

/** Built-in-typed positions: non-null ids, the role list, the @oneOf selector. */
export const NON_SCALAR_VARIABLES: Record<string, Position> = {
  'project(id: ObjectID!)': ID_VARIABLES['project(id)']!,
  'projects(ids: [ObjectID!]!)': (v) =>
    operation('query ($v: [ObjectID!]!) { projects(ids: $v) { id invitations { id } } }', { v }),
  'createInvitation(roles: [ProjectRole!]!)': (v) =>
    operation(
      `mutation ($v: [ProjectRole!]!) { createInvitation(projectId: "${PAYMENTS}", username: "${NEW_USERNAME}", roles: $v) { __typename } }`,
      { v },
    ),
  'updateInvitationRoles(invitation: InvitationSelector!)': (v) =>
    operation(
      `mutation ($v: InvitationSelector!) { updateInvitationRoles(projectId: "${PAYMENTS}", invitation: $v, roles: [GROUP_OWNER]) { __typename } }`,
      { v },
    ),
};

/** Where deep JSON goes: its text replaces this marker in the body. */
export const DEEP = '\u0000deep\u0000';
export const DEEP_POSITIONS: Record<string, Position> = {
  'project(id)': ID_VARIABLES['project(id)']!,
  'createInvitation(username)': EMAIL_VARIABLES['createInvitation(username)']!,
  'invitation: { id }': ID_VARIABLES['updateInvitationRoles(invitation: $selector)']!,
  extensions: (v) =>
    operation(
      'query ($v: ObjectID!) { project(id: $v) { id invitations { id } } }',
      { v: 'not-an-id' },
      { extensions: { deep: v } },
    ),
};

/** Picks a position, then a value for it. */
export function inPositions<T>(
  positions: Record<string, (value: T) => Call>,
  values: fc.Arbitrary<T>,
): fc.Arbitrary<Call> {
  return fc.tuple(fc.constantFrom(...Object.values(positions)), values).map(([position, value]) => position(value));
}

/** A selector that is not exactly one valid key: both, neither, an unknown key, wrong-typed keys. */
export const invalidSelector = fc.oneof(
  fc.record({ id: wellFormedId, username: fc.constant(NEW_USERNAME) }),
  fc.constant({}),
  fc.dictionary(
    fc.string({ minLength: 1 }).filter((key) => key !== 'id' && key !== 'username'),
    fc.jsonValue({ maxDepth: 1 }),
    { minKeys: 1, maxKeys: 3 },
  ),
  fc.record({ id: fc.constant(null) }),
);
