import { GraphQLError } from 'graphql';
import type { Invitation } from './ops-manager/schemas.ts';

/**
 * The stable error codes of this gateway. Queries carry them in `extensions.code`;
 * mutations return them as the `code` of a typed member of their result union.
 * The README's error table is written from this list; renaming one is a breaking change.
 */
export const ErrorCode = {
  /** An argument is well-formed for GraphQL but breaks a rule (empty roles, too many ids, ...). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The caller brought no valid credentials (bearer token, or API key in passthrough mode). HTTP 401. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Ops Manager knows no project with this id (GROUP_NOT_FOUND, INVALID_GROUP_ID). */
  PROJECT_NOT_FOUND: 'PROJECT_NOT_FOUND',
  /** No pending invitation with this id or username in the project (RESOURCE_NOT_FOUND). */
  INVITATION_NOT_FOUND: 'INVITATION_NOT_FOUND',
  /** The project already has a pending invitation (or a member) with this username (USER_ALREADY_EXISTS). */
  INVITATION_ALREADY_EXISTS: 'INVITATION_ALREADY_EXISTS',
  /**
   * The caller may not do this: a missing scope or a project outside its token's list, or Ops
   * Manager refused the API key for this project (NOT_GROUP_USER_ADMIN, IP access list, ...).
   */
  FORBIDDEN: 'FORBIDDEN',
  /** Ops Manager rejected the gateway's API key pair (Digest authentication failed). */
  UPSTREAM_UNAUTHENTICATED: 'UPSTREAM_UNAUTHENTICATED',
  /** Ops Manager asked us to slow down (429 RATE_LIMITED); `retryAfterSeconds` says for how long when known. */
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  /** Ops Manager did not answer in time. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** Ops Manager could not be reached or answered with a server error (5xx, reset, refused). */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** Ops Manager answered with a body this gateway cannot read (not JSON, or not the documented shape). */
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  /** Ops Manager refused the request for a reason not listed above (an unexpected 4xx). */
  UPSTREAM_REJECTED: 'UPSTREAM_REJECTED',
  /**
   * A change was sent but no answer came back (timeout, reset): it may or may not have been
   * applied. Never retried by the gateway; read the invitation again before trying again.
   */
  MUTATION_OUTCOME_UNKNOWN: 'MUTATION_OUTCOME_UNKNOWN',
  /** The Idempotency-Key header is not 1 to 255 printable ASCII characters. HTTP 400. */
  IDEMPOTENCY_KEY_INVALID: 'IDEMPOTENCY_KEY_INVALID',
  /** A request with this Idempotency-Key is still running. HTTP 409. */
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
  /** This Idempotency-Key was used by the same caller for a different request. HTTP 422. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
  constructor(code: typeof ErrorCode.PROJECT_NOT_FOUND | typeof ErrorCode.INVITATION_NOT_FOUND, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, options);
  }
}

export class AlreadyExistsError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(ErrorCode.INVITATION_ALREADY_EXISTS, message, options);
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
  readonly readBack: { invitation: Invitation | null } | undefined;

  constructor(message: string, options: GatewayErrorOptions & { readBack?: { invitation: Invitation | null } } = {}) {
    super(ErrorCode.MUTATION_OUTCOME_UNKNOWN, message, options);
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
