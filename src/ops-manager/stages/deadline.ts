import { ErrorCode } from '../../errors.ts';
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
    if (call.signal?.aborted) throw abortedBeforeSending(call.signal);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const started = performance.now();
    try {
      const answer = await next(url, { ...init, signal }, call);
      call.status = answer.status;
      call.attempts.push({ status: String(answer.status), durationMs: elapsed(started) });
      return answer;
    } catch (error) {
      const failure = transportError(error, init.method, timeout, call.signal);
      call.attempts.push({ status: failure.code === ErrorCode.UPSTREAM_TIMEOUT ? 'timeout' : 'network', durationMs: elapsed(started) });
      throw failure;
    }
  };
}
