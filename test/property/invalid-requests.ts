import fc from 'fast-check';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import {
  editedDocument,
  garbageBody,
  invalidEmail,
  invalidObjectId,
  invalidRoleListLiteral,
  isAcceptedEmail,
  isExecutable,
  plainEmail,
  ROLES,
  unsupportedAccept,
  unsupportedContentType,
  wellFormedId,
} from './arbitraries.ts';
import { ACCEPT, MISSING_PROJECT, operation, PAYMENTS, post } from './harness.ts';
import { describeInvalidInput, invalidInput } from './invalid-input-suite.ts';
import {
  BAD_VARIABLE,
  DEMO_INVITATION,
  EMAIL_VARIABLES,
  ID_VARIABLES,
  inPositions,
  NEW_USERNAME,
} from './positions.ts';

/**
 * Invalid documents, role lists, huge lists and garbage bodies never reach Ops Manager: each
 * gets a coded 4xx (or, for an empty role list, the mutation's typed BAD_USER_INPUT) before any
 * upstream call, and the gateway keeps answering.
 *
 * Inputs: 500 + 200 + 40 + 1,200 + 800 = 2,740; in the known gaps 200, and 100 for Accept, which
 * stops at its first counterexample while that gap is open; over HTTP, 300.
 */

/** Valid operations that the edits break: a query, a query over two projects, a mutation that would change nothing. */
const DOCUMENTS = [
  `query ProjectInvitations { project(id: "${PAYMENTS}") { invitations(username: "jane.smith@example.com") { id username roles expiresAt expired } } }`,
  `{ projects(ids: ["${PAYMENTS}", "${MISSING_PROJECT}"]) { id invitations { id roleNames } } }`,
  `mutation { deleteInvitation(projectId: "${PAYMENTS}", invitationId: "${MISSING_PROJECT}") { __typename ... on Error { code message } } }`,
];

const emptyRoleMutations = {
  createInvitation: (project: string, username: string) =>
    `createInvitation(projectId: "${project}", username: ${JSON.stringify(username)}, roles: $roles)`,
  'updateInvitationRoles by id': (project: string) =>
    `updateInvitationRoles(projectId: "${project}", invitation: { id: "${DEMO_INVITATION}" }, roles: $roles)`,
  'updateInvitationRoles by username': (project: string, username: string) =>
    `updateInvitationRoles(projectId: "${project}", invitation: { username: ${JSON.stringify(username)} }, roles: $roles)`,
};

const PROJECT_READ = 'query ($id: ObjectID!) { project(id: $id) { invitations { id } } }';

/** An id that is valid and distinct per index, for lists longer than any project list. */
const nthId = (n: number) => n.toString(16).padStart(24, '0');

describeInvalidInput('property: invalid requests', {
  properties: [
    invalidInput({
      name: 'role lists written in the document (unknown names, strings, numbers, null, up to 2,500 items)',
      numRuns: 500,
      inputs: invalidRoleListLiteral,
      request: (roles) =>
        operation(
          `mutation { createInvitation(projectId: "${PAYMENTS}", username: "${NEW_USERNAME}", roles: ${roles}) { __typename ... on Error { code message } } }`,
        ),
      expected: { status: [400], codes: ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'] },
    }),
    invalidInput({
      name: 'the empty role list, to every mutation that takes roles',
      numRuns: 200,
      inputs: fc.record({
        mutation: fc.constantFrom(...Object.values(emptyRoleMutations)),
        project: fc.constantFrom(...DEMO_PROJECT_IDS),
        username: plainEmail.filter(isAcceptedEmail),
      }),
      request: ({ mutation, project, username }) =>
        operation(
          `mutation ($roles: [ProjectRole!]!) { result: ${mutation(project, username)} { __typename ... on Error { code message } } }`,
          { roles: [] },
        ),
      // A mutation answers an expected failure as a typed member of its result (docs/errors.md).
      expected: { status: [200], codes: ['BAD_USER_INPUT'] },
    }),
    invalidInput({
      name: 'huge lists: 101-10,000 ids, 10,000 bad ids, 10,000 roles',
      numRuns: 40,
      inputs: fc.oneof(
        fc.integer({ min: 101, max: 10_000 }).map((length) => ({ ids: Array.from({ length }, (_, i) => nthId(i)) })),
        fc.tuple(fc.integer({ min: 1_000, max: 10_000 }), fc.nat(), invalidObjectId).map(([length, at, bad]) => {
          const ids = Array.from({ length }, (_, i) => nthId(i));
          ids[at % length] = bad;
          return { ids };
        }),
        fc
          .tuple(fc.integer({ min: 1_000, max: 10_000 }), invalidObjectId)
          .map(([length, bad]) => ({ ids: Array.from({ length }, () => bad) })),
        fc
          .integer({ min: 1_000, max: 10_000 })
          .map((length) => ({ roles: Array.from({ length }, (_, i) => ROLES[i % ROLES.length]!) })),
      ),
      request: (input) =>
        'ids' in input
          ? operation('query ($ids: [ObjectID!]!) { projects(ids: $ids) { id invitations { id } } }', {
              ids: input.ids,
            })
          : operation(
              `mutation ($p: ObjectID!, $roles: [ProjectRole!]!) { createInvitation(projectId: $p, username: "${NEW_USERNAME}", roles: $roles) {
                __typename ... on Error { code message } } }`,
              { p: 'not-an-id', roles: input.roles },
            ),
      // Past 50 bad values graphql-js stops with one more error, which gets the status's code.
      expected: { codes: ['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST'] },
    }),
    invalidInput({
      name: 'valid documents broken by inserted control characters, Unicode, punctuation, deletions',
      numRuns: 1_200,
      inputs: editedDocument(DOCUMENTS).filter((document) => !isExecutable(document)),
      request: (document) => operation(document),
      expected: { status: [400], codes: ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'] },
    }),
    invalidInput({
      name: 'garbage bodies: bytes, text, any JSON, envelopes with wrong members, batches',
      numRuns: 800,
      inputs: garbageBody,
      request: (body) => post(body),
      expected: { status: [400] },
    }),
    // Once a known gap (415 with an empty body); now a coded 415, or a 400 for upper-case JSON
    // types, which are read as JSON.
    invalidInput({
      name: 'unsupported content types',
      numRuns: 200,
      inputs: fc.record({ contentType: unsupportedContentType, csrfHeader: fc.boolean(), id: invalidObjectId }),
      request: ({ contentType, csrfHeader, id }) => ({
        method: 'POST',
        headers: { 'content-type': contentType, accept: ACCEPT, ...(csrfHeader ? { 'x-graphql-yoga-csrf': '1' } : {}) },
        // A bad id: should the gateway come to read some of these types as JSON (application/JSON
        // ought to be), the answer is still a coded 400 with no upstream call.
        body: JSON.stringify({ query: PROJECT_READ, variables: { id } }),
      }),
      // 403: an empty or simple type without the CSRF header is stopped by CSRF prevention first.
      expected: { status: [400, 403, 415] },
    }),
    // Once a harmful gap: with an Accept it had no answer type for, Yoga ran the operation (a
    // mutation too: the change was applied in Ops Manager) and only then answered 406 with an
    // empty body. The request guard now refuses it before execution.
    invalidInput({
      name: 'unsupported Accept values',
      numRuns: 100,
      inputs: fc.record({ accept: unsupportedAccept, id: fc.oneof(invalidObjectId, wellFormedId) }),
      request: ({ accept, id }) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: PROJECT_READ, variables: { id } }),
      }),
      expected: { status: [406], codes: ['NOT_ACCEPTABLE'] },
    }),
  ],
});

/**
 * A sample of the in-process properties over a real socket, so that Node's HTTP parsing and the
 * server around the gateway see the same bad input: ids, emails and garbage bodies.
 *
 * Inputs: 100 + 100 + 100 = 300 (the summary at the end of the run counts them per class).
 */
describeInvalidInput('property: invalid input over HTTP', {
  transport: 'http',
  properties: [
    invalidInput({
      name: 'over HTTP: ids in variables',
      numRuns: 100,
      inputs: inPositions(ID_VARIABLES, invalidObjectId),
      request: (call) => call,
      expected: BAD_VARIABLE,
    }),
    invalidInput({
      name: 'over HTTP: emails in variables',
      numRuns: 100,
      inputs: inPositions(EMAIL_VARIABLES, invalidEmail),
      request: (call) => call,
      expected: BAD_VARIABLE,
    }),
    invalidInput({
      name: 'over HTTP: garbage bodies',
      numRuns: 100,
      inputs: garbageBody,
      request: (body) => post(body),
      expected: { status: [400] },
    }),
  ],
});
