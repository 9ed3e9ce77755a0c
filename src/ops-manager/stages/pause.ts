import type { Clock } from '../../clock.ts';
import { ErrorCode, UpstreamError } from '../../errors/index.ts';
import type { UpstreamPauses } from '../pauses.ts';
import type { Stage } from '../pipeline.ts';
import { parseRetryAfter } from '../upstream-errors.ts';

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

export interface PauseStageOptions {
  pauses: UpstreamPauses;
  /** Whose key the pipeline speaks with ('gateway', or a hash of a passthrough caller's key): pauses never cross keys. */
  credentials: string;
  clock: Clock;
  /** Told when a 429 starts a pause, and when a call is refused because of one (metrics). */
  onPause?: ((event: 'started' | 'refused') => void) | undefined;
}

const PROJECT = /\/groups\/([^/?]+)/;

/**
 * Ops Manager's 429 respected as a whole. A 429 with Retry-After pauses every call with the same
 * key to the same project (Atlas limits per project, and every call here names one) for that
 * long, on every replica when the pauses are in Redis; a call in that window fails at once with
 * UPSTREAM_RATE_LIMITED and the seconds left, instead of each call going out to be refused.
 * A 429 without Retry-After says nothing about how long: it pauses nothing.
 *
 * Inside the in-flight cap (a call checks when it is about to be sent, however long it queued)
 * and inside the retry stage, which never retries this refusal (retry.ts): waiting the pause out
 * would only hold the operation until its deadline.
 */
export function respectPauses(options: PauseStageOptions): Stage {
  const { pauses, credentials, clock } = options;
  return (next) => async (url, init, call) => {
    const key = `${credentials}:${PROJECT.exec(url)?.[1]?.toLowerCase() ?? '-'}`;
    const remaining = await pauses.remainingMs(key);
    if (remaining > 0) {
      options.onPause?.('refused');
      throw new UpstreamPausedError(Math.ceil(remaining / 1000));
    }
    const answer = await next(url, init, call);
    if (answer.status === 429) {
      const seconds = parseRetryAfter(answer.headers.get('retry-after'), clock.now());
      if (seconds !== undefined && seconds > 0) {
        await pauses.pause(key, seconds * 1000);
        options.onPause?.('started');
      }
    }
    return answer;
  };
}
