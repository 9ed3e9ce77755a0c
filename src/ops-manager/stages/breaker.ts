import {
  BrokenCircuitError,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  IsolatedCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ErrorCode, GatewayError, UpstreamError } from '../../errors/index.ts';
import type { Logger } from '../../logger.ts';
import type { CallRecord, Stage } from '../pipeline.ts';
import { isDeadline } from '../transport-errors.ts';

/** What a call gets while the circuit is open: it was never sent, and is not retried. */
export class CircuitOpenError extends UpstreamError {
  constructor() {
    super(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      'Ops Manager is failing repeatedly; the gateway pauses calls to it for a few seconds.',
      {
        notSent: true,
      },
    );
  }
}

export interface BreakerOptions {
  /** Consecutive failed attempts that open the circuit (BREAKER_FAILURE_THRESHOLD). */
  failureThreshold: number;
  /** How long the circuit stays open before one probe call is let through, in ms (BREAKER_HALF_OPEN_AFTER_MS). */
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
 * One circuit breaker per upstream (cockatiel's): after `failureThreshold` consecutive failed
 * attempts, attempts fail at once instead of piling up on a sick Ops Manager; after
 * `halfOpenAfterMs` one probe goes through, and its success closes the circuit again. Only
 * unavailability counts as failure (a 5xx answer, a connection error, a timeout): a 404 or a 400
 * is Ops Manager working fine, and a caller who left says nothing about Ops Manager.
 */
export class UpstreamBreaker {
  readonly #policy: CircuitBreakerPolicy;

  constructor(options: BreakerOptions) {
    this.#policy = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    });
    this.#policy.onStateChange((state) => {
      const level = state === CircuitState.Open ? 'warn' : 'info';
      options.logger[level]({ breaker: stateNames[state] }, `upstream circuit ${stateNames[state]}`);
    });
  }

  get state(): BreakerState {
    return stateNames[this.#policy.state];
  }

  /** The stage: every attempt below it runs through this breaker. */
  readonly stage: Stage = (next) => (url, init, call) =>
    this.#run(
      () => next(url, init, call),
      (outcome) => unavailable(outcome, call),
    );

  /**
   * Runs `attempt`. An outcome that `isFailure` flags rejects the policy's execution (so the
   * breaker counts it); every other outcome, errors included, is a success for it. Throws a
   * CircuitOpenError without calling when the circuit is open.
   */
  async #run(attempt: () => Promise<Response>, isFailure: (outcome: Outcome) => boolean): Promise<Response> {
    let outcome: Outcome;
    try {
      outcome = await this.#policy.execute(async (): Promise<Outcome> => {
        let result: Outcome;
        try {
          result = { ok: true, value: await attempt() };
        } catch (error) {
          result = { ok: false, error };
        }
        if (isFailure(result)) throw new Counted(result);
        return result;
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) throw new CircuitOpenError();
      if (error instanceof Counted) outcome = error.outcome;
      else throw error;
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}

type Outcome = { ok: true; value: Response } | { ok: false; error: unknown };

/** Carries a failed outcome through cockatiel, which counts what its execution throws. */
class Counted {
  constructor(readonly outcome: Outcome) {}
}

/** Whether an attempt's outcome says Ops Manager is unwell (what the breaker counts). */
function unavailable(outcome: Outcome, call: CallRecord): boolean {
  if (outcome.ok) return outcome.value.status >= 500;
  const { error } = outcome;
  if (!(error instanceof GatewayError)) return true;
  if (call.signal?.aborted && !isDeadline(call.signal)) return false;
  return (
    error.code === ErrorCode.UPSTREAM_UNAVAILABLE ||
    error.code === ErrorCode.UPSTREAM_TIMEOUT ||
    error.code === ErrorCode.MUTATION_OUTCOME_UNKNOWN
  );
}
