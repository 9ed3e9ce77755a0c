/**
 * Every stable error code the gateway responds with, in one table; renaming a code is a breaking
 * change. Each code is listed once, with
 * - `level`: `operation` codes are what a resolver or a plugin reports about the operation (the
 *   schema's `ErrorCode` enum carries exactly these, so a mutation's result can return them);
 *   `request` codes refuse the HTTP request as a whole before any resolver runs (HTTP, parsing,
 *   validation, trusted documents, idempotency keys, rate limits) and are not in the schema. The
 *   two sets are disjoint: a request refused for its credentials says `UNAUTHENTICATED`, the
 *   operation-level code, and has no request-level twin;
 * - `status`: the HTTP status of a response this code refuses as a whole (http.ts is where it is
 *   set), or `undefined` for codes that only ever fail one field or one mutation (those responses
 *   are 200 with the rest of the data);
 * - `description`: what it means, the schema enum's description and the docs' error table.
 */
export const errorCodes = {
  BAD_USER_INPUT: {
    level: 'operation',
    status: 400,
    description: 'An argument breaks a rule (empty roles, too many ids, bad id or email format).',
  },
  // A bearer token, or an API key in passthrough mode, missing or refused.
  UNAUTHENTICATED: {
    level: 'operation',
    status: 401,
    description: 'The caller brought no valid credentials (HTTP 401).',
  },
  // Ops Manager's GROUP_NOT_FOUND, INVALID_GROUP_ID.
  PROJECT_NOT_FOUND: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager knows no project with this id.',
  },
  // Ops Manager's RESOURCE_NOT_FOUND.
  INVITATION_NOT_FOUND: {
    level: 'operation',
    status: undefined,
    description: 'No pending invitation with this id or username in the project.',
  },
  // Ops Manager's USER_ALREADY_EXISTS.
  INVITATION_ALREADY_EXISTS: {
    level: 'operation',
    status: undefined,
    description: 'The project already has a pending invitation or a member with this username.',
  },
  // A missing scope, a project outside the token's list, Ops Manager refusing the key here
  // (NOT_GROUP_USER_ADMIN, IP access list), or a request without CSRF protection (403).
  FORBIDDEN: {
    level: 'operation',
    status: 403,
    description:
      'The caller may not do this here (scope or project list), or Ops Manager refused the API key for this project.',
  },
  // Digest authentication with the gateway's own key pair failed.
  UPSTREAM_UNAUTHENTICATED: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager rejected the gateway’s API key pair.',
  },
  // 429 RATE_LIMITED.
  UPSTREAM_RATE_LIMITED: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager is rate limiting; see retryAfterSeconds.',
  },
  UPSTREAM_TIMEOUT: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager did not respond in time.',
  },
  // 5xx, reset, refused, circuit open.
  UPSTREAM_UNAVAILABLE: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager could not be reached or had a server error.',
  },
  // Not JSON, or not the documented shape.
  UPSTREAM_BAD_RESPONSE: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager responded with something the gateway cannot read.',
  },
  // An unexpected 4xx.
  UPSTREAM_REJECTED: {
    level: 'operation',
    status: undefined,
    description: 'Ops Manager refused the request for another reason.',
  },
  // Neither a read of the project nor, where safe and in time, one second attempt settled it.
  MUTATION_OUTCOME_UNKNOWN: {
    level: 'operation',
    status: undefined,
    description:
      'The mutation was sent but no response came back: it may or may not have been applied. Read again before retrying.',
  },
  // The read after a lost response showed a state this mutation neither started from nor asked for.
  INVITATION_CHANGED_CONCURRENTLY: {
    level: 'operation',
    status: undefined,
    description:
      'The mutation’s response was lost and a read showed the invitation as another change left it: it was not sent again and the invitation was left as read.',
  },

  BAD_REQUEST: {
    level: 'request',
    status: 400,
    description:
      'The HTTP request is not a well-formed GraphQL request (unreadable JSON, wrong parameter types, variables that do not coerce, batches).',
  },
  NOT_FOUND: { level: 'request', status: 404, description: 'A path this server does not serve.' },
  METHOD_NOT_ALLOWED: { level: 'request', status: 405, description: 'An HTTP method this path does not take.' },
  NOT_ACCEPTABLE: {
    level: 'request',
    status: 406,
    description: 'An Accept header naming no media type this API can respond in (refused before execution).',
  },
  PAYLOAD_TOO_LARGE: { level: 'request', status: 413, description: 'A request body over MAX_BODY_BYTES.' },
  UNSUPPORTED_MEDIA_TYPE: {
    level: 'request',
    status: 415,
    description: 'A request body in a media type other than JSON.',
  },
  // Yoga's own code: graphql-js could not parse the document.
  GRAPHQL_PARSE_FAILED: { level: 'request', status: 400, description: 'The document does not parse.' },
  GRAPHQL_VALIDATION_FAILED: {
    level: 'request',
    status: 400,
    description: 'The document fails validation or a limit (depth, aliases, cost, tokens; a subscription).',
  },
  // Yoga's own code.
  OPERATION_RESOLUTION_FAILURE: {
    level: 'request',
    status: 400,
    description: '`operationName` names no operation of the document, or several operations and no name.',
  },
  TRUSTED_DOCUMENT_REQUIRED: {
    level: 'request',
    status: 403,
    description: 'TRUSTED_DOCUMENTS=require and the request sent a document’s text, or no document.',
  },
  // Apollo's link then sends the text.
  PERSISTED_QUERY_NOT_FOUND: {
    level: 'request',
    status: 400,
    description: 'The documentId or Apollo sha256Hash names no trusted document of this gateway.',
  },
  IDEMPOTENCY_KEY_INVALID: {
    level: 'request',
    status: 400,
    description: 'A mutation’s Idempotency-Key is not 1 to 255 printable ASCII characters.',
  },
  IDEMPOTENCY_KEY_IN_USE: {
    level: 'request',
    status: 409,
    description: 'The same caller’s request with this Idempotency-Key is still running.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    level: 'request',
    status: 422,
    description: 'The same caller used this Idempotency-Key for a different request.',
  },
  RATE_LIMITED: {
    level: 'request',
    status: 429,
    description: 'The caller used up its budget of queries or mutations for now (with Retry-After).',
  },
  INTERNAL_SERVER_ERROR: {
    level: 'request',
    status: 500,
    description: 'An error that came without a code (anything unexpected is masked).',
  },
} as const satisfies Record<
  string,
  { level: 'operation' | 'request'; status: number | undefined; description: string }
>;

type Table = typeof errorCodes;

/** Every code: `ErrorCode | RequestErrorCode`. */
export type Code = keyof Table;

/** The operation-level codes: the schema's `ErrorCode` enum. */
export type ErrorCode = { [C in Code]: Table[C]['level'] extends 'operation' ? C : never }[Code];

/** The request-level codes, disjoint from `ErrorCode`. */
export type RequestErrorCode = Exclude<Code, ErrorCode>;

function codesOf<C extends Code>(level: 'operation' | 'request'): { readonly [K in C]: K } {
  const entries = Object.entries(errorCodes).filter(([, entry]) => entry.level === level);
  return Object.freeze(Object.fromEntries(entries.map(([code]) => [code, code]))) as { readonly [K in C]: K };
}

/** The operation-level codes by name: `ErrorCode.PROJECT_NOT_FOUND === 'PROJECT_NOT_FOUND'`. */
export const ErrorCode = codesOf<ErrorCode>('operation');

/** The request-level codes by name: `RequestErrorCode.BAD_REQUEST === 'BAD_REQUEST'`. */
export const RequestErrorCode = codesOf<RequestErrorCode>('request');

/** The HTTP status of a response that `code` refuses as a whole. */
export function statusOf(code: Code): number {
  // Operation-level codes without a status only ever fail a field or a mutation's result; one
  // that refuses a whole request anyway is a bad request.
  return errorCodes[code].status ?? 400;
}
