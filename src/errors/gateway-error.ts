import { GraphQLError } from 'graphql';
import type { Invitation } from '../invitation.ts';
import { ErrorCode } from './codes.ts';
import { refusalExtensions } from './http.ts';

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
  /**
   * This error fails the request as a whole (not one field): the response takes the status the
   * code table gives the code.
   */
  refusesRequest?: boolean | undefined;
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
    super(message, {
      extensions: options.refusesRequest ? { ...extensions, ...refusalExtensions(code) } : extensions,
    });
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

/** What a read of the project showed after a mutation whose outcome was unknown: the invitation it is about, or null. */
export interface ReadBack {
  invitation: Invitation | null;
}

export class AlreadyExistsError extends GatewayError {
  /**
   * What a read of the project showed, when the refusal came to a create sent a second time
   * (its first response was lost); undefined for a refusal of a first attempt.
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

/** Ops Manager could not do the work: unreachable, slow, rate limiting, bad key, unreadable response. */
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
  /** How many times the mutation was sent: 1, or 2 when it was sent again and that response was lost too. */
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
 * A mutation whose response was lost, not completed because a read showed the invitation in a
 * state that is neither the one the mutation started from nor the one it asked for: someone else
 * changed it meanwhile. Sending the mutation again would overwrite that, so the gateway does not.
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
    Object.assign(this.extensions, refusalExtensions(ErrorCode.UNAUTHENTICATED, { 'www-authenticate': challenge }));
  }
}
