import { z } from 'zod';
import { BASIC_CHALLENGE } from '../auth/caller.ts';
import { ErrorCode } from './codes.ts';
import {
  AlreadyExistsError,
  ForbiddenError,
  GatewayError,
  InvalidInputError,
  NotFoundError,
  OutcomeUnknownError,
  UnauthenticatedError,
  UpstreamError,
} from './gateway-error.ts';
import { isDeadline } from '../operation-deadline.ts';

/**
 * The one place that turns an upstream failure into a gateway error: a non-2xx response (status and
 * Ops Manager `errorCode` in, stable code out), a call that got no response (whether it may have
 * reached Ops Manager matters most), and the gateway's own refusals (open circuit, 429 pause).
 * Messages are our own; the upstream's `detail` goes to logs only, never to a client.
 */

/** What the failed call was about, so a bare 404 can say which thing was not found. */
export type UpstreamResource = 'project' | 'invitation';

export interface UpstreamFailure {
  status: number;
  /** Response headers, names lowercased. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body; it may be empty, JSON of any shape, or not JSON at all. */
  body: string;
  resource: UpstreamResource;
  /** The key is the caller's own (passthrough): its refusal means the caller is not authenticated (401), not that the gateway is misconfigured. */
  callerKey?: boolean | undefined;
  /** The injected clock's now, for a Retry-After given as a date. @default Date.now() */
  now?: number | undefined;
}

// 401s that mean "your key is fine, but it may not do this here".
const PERMISSION_CODES = new Set([
  'NOT_GROUP_USER_ADMIN',
  'NOT_IN_GROUP',
  'USER_UNAUTHORIZED',
  'NOT_USER_ADMIN',
  'NOT_ORG_ADMIN',
]);
const PROJECT_CODES = new Set(['GROUP_NOT_FOUND', 'INVALID_GROUP_ID', 'GROUP_NAME_NOT_FOUND']);

/** A non-2xx Ops Manager response as a gateway error. */
export function errorFromResponse(failure: UpstreamFailure): GatewayError {
  const { status, headers, resource } = failure;
  const upstreamErrorCode = parseErrorBody(failure.body).errorCode ?? headers['x-error-code'];
  const options = { upstreamErrorCode, upstreamStatus: status };

  if (status === 401) {
    if (upstreamErrorCode && PERMISSION_CODES.has(upstreamErrorCode)) {
      return new ForbiddenError(
        'The gateway’s Ops Manager API key may not manage invitations of this project.',
        options,
      );
    }
    if (failure.callerKey) return new UnauthenticatedError('Ops Manager rejected your API key.', BASIC_CHALLENGE);
    return new UpstreamError(
      ErrorCode.UPSTREAM_UNAUTHENTICATED,
      'Ops Manager rejected the gateway’s API key.',
      options,
    );
  }
  if (status === 403) {
    return new ForbiddenError(
      'Ops Manager refused access for the gateway’s API key (role or IP access list).',
      options,
    );
  }
  if (status === 404) {
    if (resource === 'project' || (upstreamErrorCode && PROJECT_CODES.has(upstreamErrorCode))) {
      return new NotFoundError(ErrorCode.PROJECT_NOT_FOUND, 'No project with this id exists in Ops Manager.', options);
    }
    return new NotFoundError(ErrorCode.INVITATION_NOT_FOUND, 'No pending invitation matches in this project.', options);
  }
  if (status === 409) {
    return new AlreadyExistsError(
      'This project already has a pending invitation or a member with this username.',
      options,
    );
  }
  if (status === 429) {
    return new UpstreamError(
      ErrorCode.UPSTREAM_RATE_LIMITED,
      'Ops Manager is rate limiting the gateway; try again later.',
      { ...options, retryAfterSeconds: parseRetryAfter(headers['retry-after'], failure.now) },
    );
  }
  if (status === 400 || status === 422) {
    return new InvalidInputError(
      `Ops Manager rejected the input${upstreamErrorCode ? ` (${upstreamErrorCode})` : ''}.`,
      options,
    );
  }
  if (status >= 500) {
    return new UpstreamError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `Ops Manager answered with a server error (${status}).`,
      options,
    );
  }
  return new UpstreamError(ErrorCode.UPSTREAM_REJECTED, `Ops Manager refused the request (${status}).`, options);
}

/** An Ops Manager error body. Every field may be missing (a real 401 has no errorCode). */
const ErrorBodySchema = z.looseObject({
  detail: z.string().optional(),
  error: z.number().optional(),
  errorCode: z.string().optional(),
  reason: z.string().optional(),
  parameters: z.array(z.unknown()).optional(),
});

function parseErrorBody(text: string): { errorCode?: string | undefined } {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** What a call gets while the circuit is open: it was never sent, and is not retried. */
export class CircuitOpenError extends UpstreamError {
  constructor() {
    super(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'Ops Manager is failing repeatedly; the gateway pauses calls to it for a few seconds.',
      { notSent: true },
    );
  }
}

/** A call refused by the gateway itself: Ops Manager asked, a moment ago, to wait this long. */
export class UpstreamPausedError extends UpstreamError {
  constructor(retryAfterSeconds: number) {
    super(
      ErrorCode.UPSTREAM_RATE_LIMITED,
      'Ops Manager is rate limiting the gateway on this project; try again later.',
      {
        retryAfterSeconds,
        upstreamStatus: 429,
        notSent: true,
      },
    );
  }
}

/**
 * The caller went away (not the deadline): it says nothing about Ops Manager, so the breaker
 * does not count it.
 */
export class CallCancelledError extends UpstreamError {
  constructor(message: string, options: { cause?: unknown; notSent?: boolean } = {}) {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, message, options);
  }
}

/** The call never left: the operation ended while it waited (for a slot, for a shared read). */
export function abortedBeforeSending(signal: AbortSignal): GatewayError {
  return isDeadline(signal)
    ? new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'The operation ran out of time before Ops Manager was called.', {
        notSent: true,
      })
    : new CallCancelledError('The operation was cancelled before Ops Manager was called.', { notSent: true });
}

/** A reader that left a read it shared with others (deduplication.ts) while the GET was in flight. */
export function abandoned(signal: AbortSignal): GatewayError {
  return isDeadline(signal)
    ? new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'Ops Manager did not answer in time.')
    : new CallCancelledError('The operation was cancelled before Ops Manager answered.');
}

/** Any failure of a call as a gateway error: unknown ones as UPSTREAM_UNAVAILABLE. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager call failed.', { cause: error });
}

/**
 * A call that got no HTTP answer. A change (POST/PATCH/DELETE) that may have reached Ops Manager
 * is MUTATION_OUTCOME_UNKNOWN: it may have been applied, so it is never retried and the caller is
 * told to read again. Only a connection that was never made is certainly harmless to repeat.
 * `timedOut`: the attempt's own timeout fired.
 */
export function transportError(
  error: unknown,
  method: string,
  timedOut: boolean,
  operation: AbortSignal | undefined,
): GatewayError {
  if (error instanceof GatewayError) return error;
  const notSent = neverConnected(error);
  if (method !== 'GET' && !notSent) {
    return new OutcomeUnknownError(
      'The change was sent to Ops Manager but no answer came back; it may or may not have been applied. Read the invitation again before retrying.',
      { cause: error },
    );
  }
  if (timedOut || (operation?.aborted && isDeadline(operation))) {
    return new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'Ops Manager did not answer in time.', { cause: error });
  }
  if (operation?.aborted) {
    return new CallCancelledError('The operation was cancelled before Ops Manager answered.', { cause: error });
  }
  return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager could not be reached.', {
    cause: error,
    notSent,
  });
}

const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Walks the cause chain of a transport failure for a code that proves no byte was sent. */
function neverConnected(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
