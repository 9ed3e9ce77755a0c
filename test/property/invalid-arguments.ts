import fc from 'fast-check';
import {
  deepJson,
  invalidEmail,
  invalidObjectId,
  invalidRoleListVariable,
  wrongTypedNonScalar,
  wrongTypedValue,
} from './arbitraries.ts';
import { operation } from './harness.ts';
import { describeInvalidInput, invalidInput } from './invalid-input-suite.ts';
import {
  BAD_LITERAL,
  BAD_VARIABLE,
  DEEP,
  DEEP_POSITIONS,
  EMAIL_LITERALS,
  EMAIL_VARIABLES,
  ID_LITERALS,
  ID_VARIABLES,
  inPositions,
  invalidSelector,
  NON_SCALAR_VARIABLES,
  SCALAR_VARIABLES,
} from './positions.ts';

/**
 * Invalid arguments, in every argument position of the schema (through variables and written
 * in the document), never reach Ops Manager: each gets a coded 400 before any upstream call,
 * and the gateway keeps answering.
 *
 * Inputs: ids 1,800 + 800, deep JSON 300, emails 1,100 + 400, wrong types 900, role lists 500,
 * null/missing/@oneOf 500 = 6,300 (the summary at the end of the run counts them per class).
 */
describeInvalidInput('property: invalid arguments', {
  properties: [
    invalidInput({
      name: 'ids in variables (random, Unicode, 23/25 hex, padded, injections)',
      numRuns: 1_800,
      inputs: inPositions(ID_VARIABLES, invalidObjectId),
      request: (call) => call,
      expected: BAD_VARIABLE,
    }),
    invalidInput({
      name: 'ids written in the document',
      numRuns: 800,
      // JSON's string escapes are GraphQL's, so a JSON string is a GraphQL string literal.
      inputs: fc.tuple(fc.constantFrom(...Object.values(ID_LITERALS)), invalidObjectId),
      request: ([document, id]) => operation(document(JSON.stringify(id))),
      expected: BAD_LITERAL,
    }),
    invalidInput({
      name: 'deeply nested JSON (50-5,000 levels) in id/email variables and extensions',
      numRuns: 300,
      inputs: fc.tuple(fc.constantFrom(...Object.keys(DEEP_POSITIONS)), deepJson),
      request: ([where, { text }]) => {
        const call = DEEP_POSITIONS[where]!(DEEP);
        return { ...call, body: String(call.body).replace(JSON.stringify(DEEP), () => text) };
      },
      expected: BAD_VARIABLE,
    }),
    invalidInput({
      name: 'emails in variables (random, Unicode, no/many @, CRLF, overlong, injections)',
      numRuns: 1_100,
      inputs: inPositions(EMAIL_VARIABLES, invalidEmail),
      request: (call) => call,
      expected: BAD_VARIABLE,
    }),
    invalidInput({
      name: 'emails written in the document',
      numRuns: 400,
      inputs: fc.tuple(fc.constantFrom(...Object.values(EMAIL_LITERALS)), invalidEmail),
      request: ([document, email]) => operation(document(JSON.stringify(email))),
      expected: BAD_LITERAL,
    }),
    invalidInput({
      name: 'numbers, booleans, objects, arrays where an id or email goes',
      numRuns: 900,
      inputs: inPositions(SCALAR_VARIABLES, wrongTypedValue),
      request: (call) => call,
      expected: BAD_VARIABLE,
    }),
    // graphql-js's own coercion errors (unknown enum value, null for a non-null type, a missing
    // variable, a broken @oneOf) carry no code of their own: the gateway gives them the code of
    // their HTTP status, 400 BAD_REQUEST.
    invalidInput({
      name: 'role lists in variables (unknown names, wrong types, nulls)',
      numRuns: 500,
      inputs: inPositions(
        { createInvitation: NON_SCALAR_VARIABLES['createInvitation(roles: [ProjectRole!]!)']! },
        invalidRoleListVariable,
      ),
      request: (call) => call,
      expected: { status: [400] },
    }),
    invalidInput({
      name: 'null, missing or wrong-typed values for non-null ids, role lists, the @oneOf selector',
      numRuns: 500,
      inputs: fc.oneof(
        inPositions(NON_SCALAR_VARIABLES, wrongTypedNonScalar),
        inPositions(
          { selector: NON_SCALAR_VARIABLES['updateInvitationRoles(invitation: InvitationSelector!)']! },
          invalidSelector,
        ),
      ),
      request: (call) => call,
      expected: { status: [400] },
    }),
  ],
});
