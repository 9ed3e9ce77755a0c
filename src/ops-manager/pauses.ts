import type { Clock } from '../clock.ts';

/**
 * Where the pauses Ops Manager asked for (429 with Retry-After) are kept, by credentials and project: in this process,
 * or in Redis (shared-state/redis-pauses.ts) so that every replica holds back while one of them was told to wait. Both
 * fail open ("not paused" when they cannot tell): losing a pause costs at worst the refusals it would have spared.
 */
export interface UpstreamPauses {
  /** Milliseconds left of the pause on `key`; 0 when there is none. */
  remainingMs(key: string): Promise<number>;
  /** Pauses `key` for `ms` (a longer pause already there is kept). */
  pause(key: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Pauses in this process, by the injected clock; expired ones are dropped when next read. */
export function createMemoryPauses(clock: Clock): UpstreamPauses {
  const until = new Map<string, number>();
  return {
    async remainingMs(key) {
      const end = until.get(key);
      if (end === undefined) return 0;
      const left = end - clock.now();
      if (left > 0) return left;
      until.delete(key);
      return 0;
    },
    async pause(key, ms) {
      const end = clock.now() + ms;
      if ((until.get(key) ?? 0) < end) until.set(key, end);
    },
    async close() {
      until.clear();
    },
  };
}
