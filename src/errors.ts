import { GraphQLError } from 'graphql';
import type { Invitation } from './ops-manager/schemas.ts';

/**
 * The stable error codes of expected failures, and what each means: the one table of them. The
 * schema's `ErrorCode` enum takes its values and descriptions from here (schema/errors.ts), and
 * the README's error table is written from it; renaming a code is a breaking change. Queries
 * carry a code in `extensions.code`; mutations return it as the `code` of a typed member of
 * their result union.
 */
export const errorCodeDescriptions = {
  // Empty roles, too many ids, a bad id or email format.
  BAD_USER_INPUT: 'An argument breaks a rule (empty roles, too many ids, bad id or email format).',
  // A bearer token, or an API key in passthrough mode, missing or refused.
  UNAUTHENTICATED: 'The caller brought no valid credentials (HTTP 401).',
  // Ops Manager's GROUP_NOT_FOUND, INVALID_GROUP_ID.
  PROJECT_NOT_FOUND: 'Ops Manager knows no project with this id.',
  // Ops Manager's RESOURCE_NOT_FOUND.
  INVITATION_NOT_FOUND: 'No pending invitation with this id or username in the project.',
  // Ops Manager's USER_ALREADY_EXISTS.
  INVITATION_ALREADY_EXISTS: 'The project already has a pending invitation or a member with this username.',
  // A missing scope, a project outside the token's list, or Ops Manager refusing the key here (NOT_GROUP_USER_ADMIN, IP access list).
  FORBIDDEN:
    'The caller may not do this here (scope or project list), or Ops Manager refused the API key for this project.',
  // Digest authentication with the gateway's own key pair failed.
  UPSTREAM_UNAUTHENTICATED: 'Ops Manager rejected the gateway’s API key pair.',
  // 429 RATE_LIMITED.
  UPSTREAM_RATE_LIMITED: 'Ops Manager is rate limiting; see retryAfterSeconds.',
  UPSTREAM_TIMEOUT: 'Ops Manager did not answer in time.',
  // 5xx, reset, refused, circuit open.
  UPSTREAM_UNAVAILABLE: 'Ops Manager could not be reached or had a server error.',
  // Not JSON, or not the documented shape.
  UPSTREAM_BAD_RESPONSE: 'Ops Manager answered with something the gateway cannot read.',
  // An unexpected 4xx.
  UPSTREAM_REJECTED: 'Ops Manager refused the request for another reason.',
  // Neither a read of the project nor, where safe and in time, one second attempt settled it.
  MUTATION_OUTCOME_UNKNOWN:
    'The change was sent but no answer came back: it may or may not have been applied. Read again before retrying.',
  // The read after a lost answer showed a state this change neither started from nor asked for.
  INVITATION_CHANGED_CONCURRENTLY:
    'The change’s answer was lost and a read showed the invitation as another change left it: it was not sent again and the invitation was left as read.',
} as const;

export type ErrorCode = keyof typeof errorCodeDescriptions;

/** The codes by name: `ErrorCode.PROJECT_NOT_FOUND === 'PROJECT_NOT_FOUND'`. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.keys(errorCodeDescriptions).map((code) => [code, code])) as { [Code in ErrorCode]: Code },
);

/**
 * Codes of requests refused as a whole, before any resolver ran (HTTP, parsing, validation): no
 * mutation result can carry them, so they are not in the schema's enum; the README lists them.
 */
export const RequestErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** TRUSTED_DOCUMENTS=require and the request sent a document's text instead of its id (403). */
  TRUSTED_DOCUMENT_REQUIRED: 'TRUSTED_DOCUMENT_REQUIRED',
  /** The id names no trusted document of this gateway (400; Apollo's link then sends the text). */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** A mutation's Idempotency-Key is not 1 to 255 printable ASCII characters (400). */
  IDEMPOTENCY_KEY_INVALID: 'IDEMPOTENCY_KEY_INVALID',
  /** The same caller's request with this Idempotency-Key is still running (409). */
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
  /** The same caller used this Idempotency-Key for a different request (422). */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** The caller used up its budget of queries or mutations for now (429, with Retry-After). */
  RATE_LIMITED: 'RATE_LIMITED',
} as const;
export type RequestErrorCode = (typeof RequestErrorCode)[keyof typeof RequestErrorCode];

/**
 * A whole-request refusal as a GraphQL error body (`{"errors":[{message, extensions:{code}}]}`),
 * for answers made before Yoga runs (body limit, request guard). `headers` are kept, except a
 * content type or length of another body.
 */
export function errorResponse(
  status: number,
  code: RequestErrorCode,
  message: string,
  headers?: HeadersInit,
): Response {
  const merged = new Headers(headers);
  merged.set('content-type', 'application/json; charset=utf-8');
  merged.delete('content-length');
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status, headers: merged });
}

export interface GatewayErrorOptions {
  /** The upstream's own error code (Ops Manager `errorCode`), kept for logs and for clients that want it. */
  upstreamErrorCode?: string | undefined;
  /** The upstream HTTP status, when there was one. */
  upstreamStatus?: number | undefined;
  /** Seconds the upstream asked us to wait (429 Retry-After). */
  retryAfterSeconds?: number | undefined;
  /** The argument that was wrong, for BAD_USER_INPUT. */
  field?: string | undefined;
  /**
   * True when the request certainly never reached Ops Manager (connection refused, circuit
   * open): then even a mutation may be sent again.
   */
  notSent?: boolean | undefined;
  /** The HTTP status of an answer this error fails as a whole (a request-level refusal). */
  httpStatus?: number | undefined;
  cause?: unknown;
}

/**
 * An expected failure. It is a GraphQLError so that Yoga's masking lets its message
 * and code through (everything else is masked), and it has one subclass per kind so
 * that the Pothos errors plugin can turn it into a typed member of a mutation's result.
 * Messages are written for API users and never contain upstream bodies or secrets.
 */
export abstract class GatewayError extends GraphQLError {
  readonly code: ErrorCode;
  readonly upstreamErrorCode: string | undefined;
  readonly upstreamStatus: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly field: string | undefined;
  readonly notSent: boolean;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    const extensions: Record<string, unknown> = { code };
    if (options.upstreamErrorCode) extensions.upstreamErrorCode = options.upstreamErrorCode;
    if (options.retryAfterSeconds !== undefined) extensions.retryAfterSeconds = options.retryAfterSeconds;
    if (options.field) extensions.field = options.field;
    // Yoga reads the status from here and strips `http` from the body.
    if (options.httpStatus) extensions.http = { status: options.httpStatus };
    super(message, { extensions });
    this.name = new.target.name;
    this.code = code;
    this.upstreamErrorCode = options.upstreamErrorCode;
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.field = options.field;
    this.notSent = options.notSent ?? false;
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}

export class InvalidInputError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, options);
  }
}

export class NotFoundError extends GatewayError {
  constructor(
    code: typeof ErrorCode.PROJECT_NOT_FOUND | typeof ErrorCode.INVITATION_NOT_FOUND,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** What a read of the project showed after a change whose outcome was unknown: the invitation it is about, or null. */
export interface ReadBack {
  invitation: Invitation | null;
}

export class AlreadyExistsError extends GatewayError {
  /**
   * What a read of the project showed, when the refusal came to a create sent a second time
   * (its first answer was lost); undefined for a refusal of a first attempt.
   */
  readonly readBack: ReadBack | undefined;

  constructor(message: string, options: GatewayErrorOptions & { readBack?: ReadBack | undefined } = {}) {
    super(ErrorCode.INVITATION_ALREADY_EXISTS, message, options);
    this.readBack = options.readBack;
  }
}

export class ForbiddenError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(ErrorCode.FORBIDDEN, message, options);
  }
}

/** Ops Manager could not do the work: unreachable, slow, rate limiting, bad key, unreadable answer. */
export class UpstreamError extends GatewayError {
  constructor(
    code:
      | typeof ErrorCode.UPSTREAM_UNAUTHENTICATED
      | typeof ErrorCode.UPSTREAM_RATE_LIMITED
      | typeof ErrorCode.UPSTREAM_TIMEOUT
      | typeof ErrorCode.UPSTREAM_UNAVAILABLE
      | typeof ErrorCode.UPSTREAM_BAD_RESPONSE
      | typeof ErrorCode.UPSTREAM_REJECTED,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** A mutation was sent, and whether Ops Manager applied it cannot be known. */
export class OutcomeUnknownError extends GatewayError {
  /** What a read of the project afterwards showed; undefined when no read succeeded. */
  readonly readBack: ReadBack | undefined;
  /** How many times the change was sent: 1, or 2 when it was sent again and that answer was lost too. */
  readonly attempts: number;

  constructor(
    message: string,
    options: GatewayErrorOptions & { readBack?: ReadBack | undefined; attempts?: number } = {},
  ) {
    super(ErrorCode.MUTATION_OUTCOME_UNKNOWN, message, options);
    this.readBack = options.readBack;
    this.attempts = options.attempts ?? 1;
  }
}

/**
 * A change whose answer was lost, not completed because a read showed the invitation in a state
 * that is neither the one the change started from nor the one it asked for: someone else changed
 * it meanwhile. Sending the change again would overwrite that, so the gateway does not.
 */
export class ConcurrentChangeError extends GatewayError {
  readonly readBack: ReadBack;

  constructor(message: string, options: GatewayErrorOptions & { readBack: ReadBack }) {
    super(ErrorCode.INVITATION_CHANGED_CONCURRENTLY, message, options);
    this.readBack = options.readBack;
  }
}

/** The caller is not authenticated. Carries HTTP 401, which Yoga uses as the response status. */
export class UnauthenticatedError extends GatewayError {
  /** @param challenge the WWW-Authenticate value telling the caller what to bring */
  constructor(message: string, challenge = 'Bearer') {
    super(ErrorCode.UNAUTHENTICATED, message);
    // Yoga takes the HTTP status and headers from here and strips `http` from the body.
    Object.assign(this.extensions, { http: { status: 401, headers: { 'www-authenticate': challenge } } });
  }
}
