import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface RedisConnectionOptions {
  url: string;
  logger: Logger;
  /** How long one command may wait for Redis before it fails. */
  commandTimeoutMs: number;
  /** The log messages when the connection becomes ready and when it is lost. */
  messages: { ready: string; unavailable: string };
}

/**
 * A Redis connection for state the replicas share (idempotency keys, rate-limit budgets, Ops
 * Manager's 429 pauses). It fails fast instead of queueing while Redis is away (no offline queue,
 * a short command timeout) and reconnects in the background, at most every 2 s, so a caller waits
 * at most `commandTimeoutMs` for a Redis that is down before its user decides what to do without
 * it. One log line per change of state, not one per reconnection attempt; the URL may hold a
 * password, so only its host is logged.
 */
export function connectRedis(options: RedisConnectionOptions): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastState = '';
  const host = safeHost(options.url);
  const report = (state: 'ready' | 'unavailable', error?: Error) => {
    if (state === lastState) return;
    lastState = state;
    if (state === 'ready') options.logger.info({ host }, options.messages.ready);
    else
      options.logger.warn({ host, err: error ? { message: error.message } : undefined }, options.messages.unavailable);
  };
  redis.on('ready', () => report('ready'));
  redis.on('error', (error: Error) => report('unavailable', error));
  redis.on('close', () => report('unavailable'));
  return redis;
}

/**
 * The connection for rate-limit budgets and upstream pauses: both fail open when Redis is away.
 */
export function createSharedRedis(options: { url: string; logger: Logger; commandTimeoutMs?: number }): Redis {
  return connectRedis({
    ...options,
    commandTimeoutMs: options.commandTimeoutMs ?? 500,
    messages: {
      ready: 'Shared state (Redis) ready: rate limits and upstream pauses',
      unavailable: 'Shared state (Redis) unavailable: rate limits and upstream pauses fail open',
    },
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unparseable URL';
  }
}
