import type { Redis } from 'ioredis';
import type { UpstreamPauses } from '../ops-manager/pauses.ts';

const PREFIX = 'ops-manager-gateway:pause:';

/**
 * Ops Manager's 429 pauses in Redis, shared by every replica. A pause is a key that expires by
 * itself (`SET ... PX`); what is left of it is its `PTTL`, so replicas never compare their clocks.
 * When Redis cannot respond, a call is not held back (fail open) and `onError` counts it.
 */
export function createRedisPauses(redis: Redis, options: { onError?: () => void } = {}): UpstreamPauses {
  const failed = () => options.onError?.();
  return {
    async remainingMs(key) {
      if (redis.status !== 'ready') {
        failed();
        return 0;
      }
      try {
        return Math.max(0, await redis.pttl(PREFIX + key));
      } catch {
        failed();
        return 0;
      }
    },
    async pause(key, ms) {
      try {
        // The latest 429 says how long: it replaces what an earlier one asked.
        await redis.set(PREFIX + key, '1', 'PX', Math.ceil(ms));
      } catch {
        failed();
      }
    },
    async close() {},
  };
}
