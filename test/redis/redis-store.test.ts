import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createRedisStore } from '../../src/idempotency/redis-store.ts';
import type { IdempotencyStore } from '../../src/idempotency/store.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

const logLines: string[] = [];
const logger = createLogger({
  destination: new Writable({ write: (chunk, _e, done) => (logLines.push(String(chunk)), done()) }),
});

describe('the Redis idempotency store, against a real redis-server', () => {
  let redis: RedisServer;
  let store: IdempotencyStore;
  beforeAll(async () => {
    redis = await startRedis();
    store = createRedisStore({ url: redis.url, logger });
    // The client connects in the background; the first claim may come before it is ready.
    for (let i = 0; i < 50; i += 1) {
      try {
        await store.claim('warm-up', 'x', 1_000);
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('of 20 concurrent claims of one key, exactly one wins; the others see it running', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim('race', 'fp', 5_000)));
    expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
    for (const claim of claims.filter((c) => !c.claimed))
      expect(claim).toEqual({ claimed: false, entry: { state: 'running', fingerprint: 'fp' } });
  });

  it('keeps the answer for the window, then forgets it', async () => {
    expect(await store.claim('done', 'fp', 5_000)).toEqual({ claimed: true });
    await store.complete('done', 'fp', '{"data":{}}', 300);
    expect(await store.claim('done', 'fp', 5_000)).toEqual({
      claimed: false,
      entry: { state: 'done', fingerprint: 'fp', answer: '{"data":{}}' },
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await store.claim('done', 'fp', 5_000)).toEqual({ claimed: true });
  });

  it('a released key can be claimed again; a running claim expires by itself', async () => {
    await store.claim('released', 'fp', 5_000);
    await store.release('released');
    expect(await store.claim('released', 'fp', 5_000)).toEqual({ claimed: true });
    await store.claim('crashed', 'fp', 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.claim('crashed', 'fp', 5_000)).toEqual({ claimed: true });
  });

  it('refuses at once when Redis is away (no queueing), and logs the host, not the URL', async () => {
    const down = await startRedis();
    const lonely = createRedisStore({
      url: `redis://:not-a-real-password@127.0.0.1:${down.port}`,
      logger,
      commandTimeoutMs: 200,
    });
    await down.stop();
    // Rejected, not queued until Redis comes back (the test's own timeout would catch a hang).
    await expect(lonely.claim('k', 'fp', 1_000)).rejects.toThrow();
    await lonely.close();
    expect(logLines.join('')).not.toContain('not-a-real-password');
  });
});
