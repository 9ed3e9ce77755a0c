import {
  BrokenCircuitError,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import type { Clock } from '../clock.ts';
import { ErrorCode, GatewayError } from '../errors/index.ts';
import {
  abortedBeforeSending,
  asGatewayError,
  CallCancelledError,
  CircuitOpenError,
  errorFromResponse,
  parseRetryAfter,
  transportError,
  UpstreamPausedError,
} from '../errors/upstream.ts';
import type { Logger } from '../logger.ts';
import { isDeadline, onAbort } from '../operation-deadline.ts';
import type { CallContext } from './client.ts';
import type { DigestClient } from './digest.ts';
import { FairQueue } from './fair-queue.ts';
import type { UpstreamPauses } from './pauses.ts';
import type { Send, UpstreamRequest, UpstreamResponse } from './transport.ts';

/** Retries after the first attempt (UPSTREAM_MAX_RETRIES); the first backoff, doubling each retry, up to a ceiling (Retry-After may ask for more). */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The backoff timings: no setting, part of the retry behaviour (the change read-back paces itself on them). */
export const backoffTimings: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'> = { baseDelayMs: 100, maxDelayMs: 2_000 };

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * What one logical call cost: each attempt's status ('network' or 'timeout' when nothing responded) and duration, each
 * retry's code and backoff, HTTP requests sent (Digest's included), the last status, the wait for a slot of the cap.
 */
export interface CallCost {
  attempts: Array<{ status: string; durationMs: number }>;
  retries: Array<{ code: string; delayMs: number }>;
  roundTrips: number;
  challenges: number;
  status: number | undefined;
  queueMs: number;
}

/** A call's outcome: the last response (any status), or the failure when none is usable; and its cost. */
export type CallResult =
  | { response: UpstreamResponse; error?: undefined; cost: CallCost }
  | { response?: undefined; error: GatewayError; cost: CallCost };

/** The settings are docs/configuration.md's: UPSTREAM_TIMEOUT_MS, UPSTREAM_MAX_IN_FLIGHT, UPSTREAM_FAIR_QUEUE, ... */
export interface ResilienceOptions {
  /** The pool every attempt's HTTP requests go out through. */
  transport: Send;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  maxInFlight: number;
  fairQueue?: boolean | undefined;
  retry: Pick<RetryPolicy, 'maxRetries'> & Partial<RetryPolicy>;
  breaker: { failureThreshold: number; halfOpenAfterMs: number };
  /** Where Ops Manager's 429 pauses are kept (Redis: shared by replicas). */
  pauses: UpstreamPauses;
  onPause?: ((event: 'started' | 'refused') => void) | undefined;
}

export interface Resilience {
  /**
   * One logical call through Digest (`digest`, the credentials' session) and `transport`. Never rejects: the last
   * response or the failure, with what the call cost. `credentials` names the key (pauses never cross keys).
   */
  call(request: UpstreamRequest, context: CallContext, digest: DigestClient, credentials: string): Promise<CallResult>;
  status(): { breaker: BreakerState; inFlight: { active: number; pending: number } };
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};
const PROJECT = /\/groups\/([^/?]+)/;

/** One logical call, as its attempts see it. */
type Attempt = {
  request: UpstreamRequest;
  context: CallContext;
  digest: DigestClient;
  credentials: string;
  cost: CallCost;
};

/**
 * Everything between the client and Digest, shared by the whole process (the gateway's key and every passthrough
 * caller's: one Ops Manager, one view of its health). In the order a call meets it (docs/architecture.md, step 5):
 * retry (outside the cap, so a backoff holds no slot) → the fair in-flight cap → the 429 pause → the breaker
 * (cockatiel's: a 5xx, a connection error, a timeout; not a 4xx, a caller who left, an `uncounted` call) → the
 * attempt's timeout, on the injected clock, together with the operation's signal.
 */
export function createResilience(options: ResilienceOptions): Resilience {
  const { clock, pauses } = options;
  const policy: RetryPolicy = { ...backoffTimings, ...options.retry };
  const queue = new FairQueue({ concurrency: options.maxInFlight, fair: options.fairQueue });
  // What the breaker must not count: answers and failures of uncounted calls, of callers who left.
  const uncounted = new WeakSet<object>();
  const breaker = circuitBreaker(
    handleWhen((error) => !uncounted.has(error) && unavailable(error)).orWhenResult(
      (answer) => !uncounted.has(answer as object) && (answer as UpstreamResponse).status >= 500,
    ),
    {
      halfOpenAfter: options.breaker.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breaker.failureThreshold),
    },
  );
  breaker.onStateChange((state) => {
    const level = state === CircuitState.Open ? 'warn' : 'info';
    options.logger[level]({ breaker: STATES[state] }, `upstream circuit ${STATES[state]}`);
  });

  /** One attempt, Digest round trips included, with its own timeout. */
  async function send({ request, context, digest, cost }: Attempt): Promise<UpstreamResponse> {
    const operation = context.signal;
    if (operation?.aborted) throw abortedBeforeSending(operation);
    const attempt = new AbortController();
    let timedOut = false;
    const cancelTimer = clock.after(options.timeoutMs, () => {
      timedOut = true;
      attempt.abort(new DOMException('The attempt timed out', 'TimeoutError'));
    });
    const stopWatching = operation && onAbort(operation, () => attempt.abort(operation.reason));
    const started = performance.now();
    try {
      const { response, challenges } = await digest.send({ ...request, signal: attempt.signal }, (each) => {
        cost.roundTrips += 1;
        return options.transport(each);
      });
      cost.challenges += challenges;
      cost.status = response.status;
      cost.attempts.push({ status: String(response.status), durationMs: elapsed(started) });
      if (context.uncounted) uncounted.add(response);
      return response;
    } catch (error) {
      const failure = transportError(error, request.method, timedOut, operation);
      const status = failure.code === ErrorCode.UPSTREAM_TIMEOUT ? 'timeout' : 'network';
      cost.attempts.push({ status, durationMs: elapsed(started) });
      if (context.uncounted || (operation?.aborted && !isDeadline(operation))) uncounted.add(failure);
      throw failure;
    } finally {
      cancelTimer();
      stopWatching?.();
    }
  }

  /** One attempt under the cap, the pause and the breaker. */
  function attempt(call: Attempt): Promise<UpstreamResponse> {
    const queued = performance.now();
    return queue.run(
      call.context.caller ?? '',
      async () => {
        call.cost.queueMs += performance.now() - queued;
        const key = `${call.credentials}:${PROJECT.exec(call.request.url)?.[1]?.toLowerCase() ?? '-'}`;
        const remaining = await pauses.remainingMs(key);
        if (remaining > 0) {
          options.onPause?.('refused');
          throw new UpstreamPausedError(Math.ceil(remaining / 1000));
        }
        const response = await breaker
          .execute(() => send(call))
          .catch((error: unknown) => {
            throw error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError
              ? new CircuitOpenError()
              : error;
          });
        const seconds = response.status === 429 ? retryAfter(response) : undefined;
        if (seconds !== undefined && seconds > 0) {
          await pauses.pause(key, seconds * 1000);
          options.onPause?.('started');
        }
        return response;
      },
      { signal: call.context.signal, onAbort: abortedBeforeSending },
    );
  }

  const retryAfter = (response: UpstreamResponse) => parseRetryAfter(response.headers['retry-after'], clock.now());
  /** Ops Manager's "try later" (429, 5xx) as the failure to retry on; undefined for any other answer. */
  const tryLater = (response: UpstreamResponse) =>
    response.status === 429 || response.status >= 500
      ? errorFromResponse({ ...response, resource: 'project', now: clock.now() })
      : undefined;

  return {
    async call(request, context, digest, credentials) {
      const cost: CallCost = { attempts: [], retries: [], roundTrips: 0, challenges: 0, status: undefined, queueMs: 0 };
      const call: Attempt = { request, context, digest, credentials, cost };
      for (let tried = 0; ; tried += 1) {
        const { response, failure } = await attempt(call).then(
          (answer) => ({ response: answer, failure: tryLater(answer) }),
          (error: unknown) => ({ response: undefined, failure: asGatewayError(error) }),
        );
        if (failure === undefined) return { response: response!, cost };
        const giveUp = (): CallResult => (response ? { response, cost } : { error: failure, cost });
        const now = clock.now();
        const idempotent = request.method === 'GET';
        const retry = { attempt: tried, idempotent, now, deadlineAt: context.deadlineAt, random: clock.random() };
        const delay = context.signal?.aborted ? undefined : retryDelay(failure, retry, policy);
        if (delay === undefined) return giveUp();
        cost.retries.push({ code: failure.code, delayMs: delay });
        try {
          await clock.sleep(delay, context.signal);
        } catch {
          return giveUp();
        }
      }
    },
    status: () => ({
      breaker: STATES[breaker.state],
      inFlight: { active: queue.activeCount, pending: queue.pendingCount },
    }),
  };
}

/**
 * The wait before trying a failed call again, or undefined to give up. Only "try later" is retried (UPSTREAM_UNAVAILABLE,
 * UPSTREAM_RATE_LIMITED), never the gateway's own fast refusals (open circuit, pause); a change only if it never left
 * (`notSent`). Backoff: exponential with equal jitter, at least what Retry-After asks, never past the deadline.
 */
export function retryDelay(
  failure: Pick<GatewayError, 'code' | 'notSent' | 'retryAfterSeconds'>,
  context: { attempt: number; idempotent: boolean; now: number; deadlineAt: number | undefined; random: number },
  policy: RetryPolicy,
): number | undefined {
  if (context.attempt >= policy.maxRetries) return undefined;
  const transient = failure.code === ErrorCode.UPSTREAM_UNAVAILABLE || failure.code === ErrorCode.UPSTREAM_RATE_LIMITED;
  if (!transient || failure instanceof CircuitOpenError || failure instanceof UpstreamPausedError) return undefined;
  if (!context.idempotent && !failure.notSent) return undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** context.attempt);
  const delay = Math.max(exponential / 2 + (exponential / 2) * context.random, (failure.retryAfterSeconds ?? 0) * 1000);
  if (context.deadlineAt !== undefined && context.now + delay >= context.deadlineAt) return undefined;
  return Math.round(delay);
}

/** Whether a failure without a response says Ops Manager is unwell (what the breaker counts). */
function unavailable(error: Error): boolean {
  if (!(error instanceof GatewayError)) return true;
  if (error instanceof CallCancelledError) return false;
  return (
    error.code === ErrorCode.UPSTREAM_UNAVAILABLE ||
    error.code === ErrorCode.UPSTREAM_TIMEOUT ||
    error.code === ErrorCode.MUTATION_OUTCOME_UNKNOWN
  );
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
