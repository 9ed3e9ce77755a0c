import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { IdentityClass } from '../auth/identity.ts';
import type { Logger } from '../logger.ts';

export type OperationKind = 'read' | 'mutation';

export interface RateLimitOptions {
  /** Queries one caller may run per minute (RATE_LIMIT_READS_PER_MINUTE); 0: no limit. */
  readsPerMinute: number;
  /** Mutations one caller may run per minute (RATE_LIMIT_MUTATIONS_PER_MINUTE); 0: no limit. */
  mutationsPerMinute: number;
  /** Budgets shared by every replica; absent: in this process. */
  redis?: Redis | undefined;
  logger: Logger;
  /** A request was refused (metrics). */
  onLimited?: ((identityClass: IdentityClass, kind: OperationKind) => void) | undefined;
  /** The budget could not be read (Redis away): the request went on without it (metrics). */
  onStoreError?: (() => void) | undefined;
}

const MINUTE_SECONDS = 60;

/** The budgets of every caller: made once per process, so that the plain API and the subgraph count against the same ones. */
export interface CallerBudgets {
  readonly options: RateLimitOptions;
  readonly limiters: Readonly<Record<OperationKind, RateLimiterAbstract | undefined>>;
}

export function createCallerBudgets(options: RateLimitOptions): CallerBudgets {
  return {
    options,
    limiters: {
      read: limiter('reads', options.readsPerMinute, options.redis),
      mutation: limiter('mutations', options.mutationsPerMinute, options.redis),
    },
  };
}

function limiter(
  kind: 'reads' | 'mutations',
  perMinute: number,
  redis: Redis | undefined,
): RateLimiterAbstract | undefined {
  if (perMinute === 0) return undefined;
  const settings = { points: perMinute, duration: MINUTE_SECONDS, keyPrefix: `ops-manager-gateway:rate:${kind}` };
  // rejectIfRedisNotReady: while Redis is away, fail at once instead of waiting for a command timeout.
  return redis
    ? new RateLimiterRedis({ ...settings, storeClient: redis, rejectIfRedisNotReady: true })
    : new RateLimiterMemory(settings);
}
