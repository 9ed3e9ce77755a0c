import { FairQueue } from '../fair-queue.ts';
import type { Stage } from '../pipeline.ts';
import { abortedBeforeSending } from '../transport-errors.ts';

export interface InFlightLimit {
  stage: Stage;
  /** Attempts holding a slot, and attempts waiting for one. */
  load(): { active: number; pending: number };
}

/**
 * The process-wide cap on upstream requests in flight (UPSTREAM_MAX_IN_FLIGHT): an attempt holds
 * a slot while it is on the wire, Digest challenge included, and gives it back before a retry's
 * backoff (the retry stage sits outside this one), so a sleeping call never starves the others.
 * One instance is shared by the gateway's pipeline and every passthrough caller's.
 *
 * When the cap is full, attempts wait in a line that is fair across callers (fair-queue.ts,
 * UPSTREAM_FAIR_QUEUE): one busy caller cannot push another's operation past its deadline. The
 * time an attempt waited is added to its call's record (`queueMs`).
 */
export function inFlightLimit(max: number, options: { fair?: boolean } = {}): InFlightLimit {
  const queue = new FairQueue({ concurrency: max, fair: options.fair });
  return {
    stage: (next) => (url, init, call) => {
      const queued = performance.now();
      return queue.run(
        call.caller ?? '',
        () => {
          call.queueMs += performance.now() - queued;
          return next(url, init, call);
        },
        { signal: call.signal, onAbort: abortedBeforeSending },
      );
    },
    load: () => ({ active: queue.activeCount, pending: queue.pendingCount }),
  };
}
