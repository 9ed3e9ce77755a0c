import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { IdempotencyStore, StoredEntry } from './store.ts';

const PREFIX = 'ops-manager-gateway:idempotency:';

/**
 * Keys in Redis, so that gateway replicas behind one load balancer share them: a retry that
 * lands on another replica finds the first answer. `SET NX PX` makes the claim atomic across
 * replicas; entries expire by themselves.
 *
 * The client fails fast instead of queueing while Redis is away (no offline queue, short
 * command timeout): the plugin then decides what a change does without the store.
 */
export function createRedisStore(options: { url: string; logger: Logger; commandTimeoutMs?: number }): IdempotencyStore {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: 2_000,
    // Keep reconnecting in the background, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // One line per change of state, not one per reconnection attempt.
  let lastState = '';
  const host = safeHost(options.url);
  const report = (state: 'ready' | 'unavailable', error?: Error) => {
    if (state === lastState) return;
    lastState = state;
    // The URL may hold a password: log its host only.
    if (state === 'ready') options.logger.info({ host }, 'Idempotency store (Redis) ready');
    else options.logger.warn({ host, err: error ? { message: error.message } : undefined }, 'Idempotency store (Redis) unavailable');
  };
  redis.on('ready', () => report('ready'));
  redis.on('error', (error: Error) => report('unavailable', error));
  redis.on('close', () => report('unavailable'));

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
    async complete(key, fingerprint, answer, ttlMs) {
      await redis.set(PREFIX + key, JSON.stringify({ state: 'done', fingerprint, answer } satisfies StoredEntry), 'PX', ttlMs);
    },
    async release(key) {
      await redis.del(PREFIX + key);
    },
    async close() {
      redis.disconnect();
    },
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unparseable URL';
  }
}
