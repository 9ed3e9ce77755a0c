import {
  BrokenCircuitError,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  IsolatedCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ErrorCode, type GatewayError, UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Time, waiting and chance, injected so tests can pin them. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter source. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: Math.random,
};

export interface RetryPolicy {
  /** Retries after the first attempt. @default 2 */
  maxRetries: number;
  /** First backoff in ms; doubles each retry. @default 100 */
  baseDelayMs: number;
  /** Ceiling of one backoff in ms (Retry-After may ask for more). @default 2000 */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 2_000 };

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
  error: GatewayError,
  context: { attempt: number; idempotent: boolean; now: number; deadlineAt: number | undefined; random: number },
  policy: RetryPolicy = defaultRetryPolicy,
): number | undefined {
  if (context.attempt >= policy.maxRetries) return undefined;
  const transient = error.code === ErrorCode.UPSTREAM_UNAVAILABLE || error.code === ErrorCode.UPSTREAM_RATE_LIMITED;
  if (!transient || error instanceof CircuitOpenError) return undefined;
  if (!context.idempotent && !error.notSent) return undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** context.attempt);
  const backoff = exponential / 2 + (exponential / 2) * context.random;
  const delay = Math.max(backoff, (error.retryAfterSeconds ?? 0) * 1000);
  if (context.deadlineAt !== undefined && context.now + delay >= context.deadlineAt) return undefined;
  return Math.round(delay);
}

/** What a call gets while the circuit is open: it was never sent, and is not retried. */
export class CircuitOpenError extends UpstreamError {
  constructor() {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager is failing repeatedly; the gateway pauses calls to it for a few seconds.', {
      notSent: true,
    });
  }
}

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit. @default 5 */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call is let through, in ms. @default 5000 */
  halfOpenAfterMs: number;
  logger: Logger;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

const stateNames: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * One circuit breaker per upstream (cockatiel's): after `failureThreshold` consecutive
 * failures, calls fail at once instead of piling up on a sick Ops Manager; after
 * `halfOpenAfterMs` one probe goes through, and its success closes the circuit again.
 * Only unavailability counts as failure (5xx, connection errors, timeouts): a 404 or a
 * 400 is Ops Manager working fine.
 */
export class UpstreamBreaker {
  private readonly policy: CircuitBreakerPolicy;

  constructor(options: BreakerOptions) {
    this.policy = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    });
    this.policy.onStateChange((state) => {
      const level = state === CircuitState.Open ? 'warn' : 'info';
      options.logger[level]({ breaker: stateNames[state] }, `upstream circuit ${stateNames[state]}`);
    });
  }

  get state(): BreakerState {
    return stateNames[this.policy.state];
  }

  /**
   * Runs `call`. An outcome that `countsAsFailure` rejects the policy's execution (so the
   * breaker counts it); every other outcome, including other errors, is a success for it.
   * Throws a CircuitOpenError without calling when the circuit is open.
   */
  async run<T>(call: () => Promise<T>, countsAsFailure: (error: unknown) => boolean): Promise<T> {
    type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
    let outcome: Outcome;
    try {
      outcome = await this.policy.execute(async (): Promise<Outcome> => {
        try {
          return { ok: true, value: await call() };
        } catch (error) {
          if (countsAsFailure(error)) throw error;
          return { ok: false, error };
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) throw new CircuitOpenError();
      throw error;
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}
