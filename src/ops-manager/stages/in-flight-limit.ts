import pLimit from 'p-limit';
import type { Stage } from '../pipeline.ts';

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
 */
export function inFlightLimit(max: number): InFlightLimit {
  const limit = pLimit(max);
  return {
    stage: (next) => (url, init, call) => limit(() => next(url, init, call)),
    load: () => ({ active: limit.activeCount, pending: limit.pendingCount }),
  };
}
