import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * The Redis connection of the state replicas share besides idempotency keys: rate-limit budgets
 * and Ops Manager's 429 pauses. Like the idempotency store's (idempotency/redis-store.ts), it
 * fails fast instead of queueing while Redis is away (no offline queue, short command timeout)
 * and reconnects in the background, so a caller waits at most `commandTimeoutMs` for a Redis
 * that is down before the gateway carries on without it (fail open).
 */
export function createSharedRedis(options: { url: string; logger: Logger; commandTimeoutMs?: number }): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // One line per change of state; the URL may hold a password: its host only.
  let lastState = '';
  const host = safeHost(options.url);
  const report = (state: 'ready' | 'unavailable', error?: Error) => {
    if (state === lastState) return;
    lastState = state;
    if (state === 'ready') options.logger.info({ host }, 'Shared state (Redis) ready: rate limits and upstream pauses');
    else options.logger.warn({ host, err: error ? { message: error.message } : undefined }, 'Shared state (Redis) unavailable: rate limits and upstream pauses fail open');
  };
  redis.on('ready', () => report('ready'));
  redis.on('error', (error: Error) => report('unavailable', error));
  redis.on('close', () => report('unavailable'));
  return redis;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unparseable URL';
  }
}
