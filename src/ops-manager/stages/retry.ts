import type { Clock } from '../../clock.ts';
import { ErrorCode, GatewayError, UpstreamError } from '../../errors/index.ts';
import type { Stage } from '../pipeline.ts';
import { parseRetryAfter } from '../upstream-errors.ts';
import { CircuitOpenError } from './breaker.ts';
import { UpstreamPausedError } from './pause.ts';

export interface RetryPolicy {
  /** Retries after the first attempt (UPSTREAM_MAX_RETRIES). */
  maxRetries: number;
  /** First backoff in ms; doubles each retry. @default 100 */
  baseDelayMs: number;
  /** Ceiling of one backoff in ms (Retry-After may ask for more). @default 2000 */
  maxDelayMs: number;
}

/** The backoff timings: no setting, part of the retry stage's behaviour. */
export const backoffTimings: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'> = { baseDelayMs: 100, maxDelayMs: 2_000 };

/** What retryDelay needs to know about a failed attempt. */
export type RetryableFailure = Pick<GatewayError, 'code' | 'notSent' | 'retryAfterSeconds'>;

/**
 * How long to wait before trying a failed call again, or undefined to give up now.
 *
 * Only failures that say "try later" are retried: 5xx and connection errors
 * (UPSTREAM_UNAVAILABLE) and 429 (UPSTREAM_RATE_LIMITED). A read (GET) is safe to repeat;
 * a change is repeated only when it certainly never left (`notSent`), because Ops Manager
 * may have applied one whose answer was lost. Backoff is exponential with equal jitter
 * (half fixed, half random, so it never collapses to zero), at least what Retry-After
 * asks, and never past the operation's deadline: a wait that would end after it is pointless.
 */
export function retryDelay(
  failure: RetryableFailure,
  context: { attempt: number; idempotent: boolean; now: number; deadlineAt: number | undefined; random: number },
  policy: RetryPolicy,
): number | undefined {
  if (context.attempt >= policy.maxRetries) return undefined;
  const transient = failure.code === ErrorCode.UPSTREAM_UNAVAILABLE || failure.code === ErrorCode.UPSTREAM_RATE_LIMITED;
  // The gateway's own refusals (an open circuit, a pause Ops Manager asked for) last seconds:
  // waiting them out would hold the operation, and they fail fast on purpose.
  if (!transient || failure instanceof CircuitOpenError || failure instanceof UpstreamPausedError) return undefined;
  if (!context.idempotent && !failure.notSent) return undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** context.attempt);
  const backoff = exponential / 2 + (exponential / 2) * context.random;
  const delay = Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000);
  if (context.deadlineAt !== undefined && context.now + delay >= context.deadlineAt) return undefined;
  return Math.round(delay);
}

/**
 * The retry stage: the outermost one, so each attempt goes through the in-flight cap and the
 * breaker on its own (a backoff wait holds no slot, and the breaker counts attempts).
 *
 * An answer is retried when it says "try later" (5xx, 429 and its Retry-After), a thrown failure
 * when retryDelay allows; when the retries are used up, the last answer is returned (the client
 * maps it) and the last failure thrown. A failure that is not a GatewayError (a bug below) becomes
 * UPSTREAM_UNAVAILABLE. Each retry is written into the call's record, with its backoff.
 */
export function retry(options: {
  policy: Pick<RetryPolicy, 'maxRetries'> & Partial<RetryPolicy>;
  clock: Clock;
}): Stage {
  const policy: RetryPolicy = { ...backoffTimings, ...options.policy };
  const { clock } = options;
  return (next) => async (url, init, call) => {
    const idempotent = init.method === 'GET';
    for (let attempt = 0; ; attempt += 1) {
      let answer: Response | undefined;
      let failure: RetryableFailure;
      try {
        answer = await next(url, init, call);
        if (answer.status < 500 && answer.status !== 429) return answer;
        failure = {
          code: answer.status === 429 ? ErrorCode.UPSTREAM_RATE_LIMITED : ErrorCode.UPSTREAM_UNAVAILABLE,
          notSent: false,
          retryAfterSeconds:
            answer.status === 429 ? parseRetryAfter(answer.headers.get('retry-after'), clock.now()) : undefined,
        };
      } catch (error) {
        failure =
          error instanceof GatewayError
            ? error
            : new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager call failed.', { cause: error });
      }
      const giveUp = (): Response => {
        if (answer) return answer;
        throw failure;
      };
      const delay = retryDelay(
        failure,
        { attempt, idempotent, now: clock.now(), deadlineAt: call.deadlineAt, random: clock.random() },
        policy,
      );
      if (delay === undefined || call.signal?.aborted) return giveUp();
      call.retries.push({ code: failure.code, delayMs: delay });
      try {
        await clock.sleep(delay, call.signal);
      } catch {
        return giveUp();
      }
    }
  };
}
