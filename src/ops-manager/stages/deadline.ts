import { ErrorCode } from '../../errors/index.ts';
import { onAbort } from '../abort.ts';
import { elapsed, type Stage } from '../pipeline.ts';
import { abortedBeforeSending, transportError } from '../transport-errors.ts';

/**
 * Deadline and timeout of one attempt. An attempt whose operation has ended (caller gone,
 * operation deadline passed) while it waited for a slot never leaves. One that leaves is aborted
 * by the operation's signal or by its own timeout (`timeoutMs`), whichever comes first, and a
 * failure without an answer becomes a GatewayError that says whether the request may have reached
 * Ops Manager (transport-errors.ts). Each attempt's status and duration go into the call's record.
 */
export function deadline(options: { timeoutMs: number }): Stage {
  return (next) => async (url, init, call) => {
    const operation = call.signal;
    if (operation?.aborted) throw abortedBeforeSending(operation);
    // One controller per attempt, aborted by the operation or by this attempt's timer, and the
    // timer cleared as soon as the attempt ends (AbortSignal.timeout would keep it for the whole
    // timeout, and AbortSignal.any adds a composite signal per attempt).
    const attempt = new AbortController();
    const timeout = { aborted: false };
    const timer = setTimeout(() => {
      timeout.aborted = true;
      attempt.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, options.timeoutMs);
    const stopWatching = operation ? onAbort(operation, () => attempt.abort(operation.reason)) : undefined;
    const started = performance.now();
    try {
      const answer = await next(url, { ...init, signal: attempt.signal }, call);
      call.status = answer.status;
      call.attempts.push({ status: String(answer.status), durationMs: elapsed(started) });
      return answer;
    } catch (error) {
      const failure = transportError(error, init.method, timeout, operation);
      call.attempts.push({
        status: failure.code === ErrorCode.UPSTREAM_TIMEOUT ? 'timeout' : 'network',
        durationMs: elapsed(started),
      });
      throw failure;
    } finally {
      clearTimeout(timer);
      stopWatching?.();
    }
  };
}
