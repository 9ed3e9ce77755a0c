import { ErrorCode, GatewayError, OutcomeUnknownError, UpstreamError } from '../errors/index.ts';

/**
 * Errors of calls that got no HTTP answer: the counterpart of upstream-errors.ts, which maps
 * the answers. What matters most is whether the request may have reached Ops Manager.
 */

/** The call never left: the operation ended while it waited for a slot under the cap. */
export function abortedBeforeSending(signal: AbortSignal): GatewayError {
  return isDeadline(signal)
    ? new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'The operation ran out of time before Ops Manager was called.', {
        notSent: true,
      })
    : new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The operation was cancelled before Ops Manager was called.', {
        notSent: true,
      });
}

/** A reader that left a read it shared with others (read-coalescing.ts) while the GET was in flight. */
export function abandoned(signal: AbortSignal): GatewayError {
  return isDeadline(signal)
    ? new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'Ops Manager did not answer in time.')
    : new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The operation was cancelled before Ops Manager answered.');
}

/**
 * A call that got no HTTP answer. A change (POST/PATCH/DELETE) that may have reached
 * Ops Manager is MUTATION_OUTCOME_UNKNOWN: it may have been applied, so it is never
 * retried and the caller is told to read again. Only a connection that was never made
 * is certainly harmless to repeat.
 */
export function transportError(
  error: unknown,
  method: string,
  timeout: { readonly aborted: boolean },
  callerSignal: AbortSignal | undefined,
): GatewayError {
  if (error instanceof GatewayError) return error;
  const notSent = neverConnected(error);
  if (method !== 'GET' && !notSent) {
    return new OutcomeUnknownError(
      'The change was sent to Ops Manager but no answer came back; it may or may not have been applied. Read the invitation again before retrying.',
      { cause: error },
    );
  }
  if (timeout.aborted || (callerSignal?.aborted && isDeadline(callerSignal))) {
    return new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'Ops Manager did not answer in time.', { cause: error });
  }
  if (callerSignal?.aborted) {
    return new UpstreamError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'The operation was cancelled before Ops Manager answered.',
      { cause: error },
    );
  }
  return new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager could not be reached.', {
    cause: error,
    notSent,
  });
}

/** The operation deadline aborts with a TimeoutError; a caller who leaves aborts with anything else. */
export function isDeadline(signal: AbortSignal): boolean {
  return (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
}

const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Walks the cause chain of a fetch failure for a code that proves no byte was sent. */
function neverConnected(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
