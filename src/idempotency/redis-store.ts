import type { Logger } from '../logger.ts';
import { connectRedis } from '../shared-state/redis-client.ts';
import type { IdempotencyStore, StoredEntry } from './store.ts';

const PREFIX = 'ops-manager-gateway:idempotency:';

/**
 * Keys in Redis, so that gateway replicas behind one load balancer share them: a retry that
 * lands on another replica finds the first response. `SET NX PX` makes the claim atomic across
 * replicas; entries expire by themselves.
 *
 * The connection fails fast while Redis is away (shared-state/redis-client.ts): the plugin then
 * decides what a mutation does without the store.
 */
export function createRedisStore(options: {
  url: string;
  logger: Logger;
  commandTimeoutMs?: number;
}): IdempotencyStore {
  const redis = connectRedis({
    ...options,
    commandTimeoutMs: options.commandTimeoutMs ?? 1_000,
    messages: { ready: 'Idempotency store (Redis) ready', unavailable: 'Idempotency store (Redis) unavailable' },
  });

  return {
    async claim(key, fingerprint, runningTtlMs) {
      const running = JSON.stringify({ state: 'running', fingerprint } satisfies StoredEntry);
      // Twice at most: an entry can expire between a refused SET and the GET that reads it.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        if ((await redis.set(PREFIX + key, running, 'PX', runningTtlMs, 'NX')) === 'OK') return { claimed: true };
        const stored = await redis.get(PREFIX + key);
        if (stored !== null) return { claimed: false, entry: JSON.parse(stored) as StoredEntry };
      }
      throw new Error('idempotency key neither claimed nor found');
    },
    async complete(key, fingerprint, response, ttlMs) {
      await redis.set(
        PREFIX + key,
        JSON.stringify({ state: 'done', fingerprint, answer: response } satisfies StoredEntry),
        'PX',
        ttlMs,
      );
    },
    async release(key) {
      await redis.del(PREFIX + key);
    },
    async close() {
      redis.disconnect();
    },
  };
}
