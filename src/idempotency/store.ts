import { LRUCache } from 'lru-cache';

/**
 * What the store holds for one key: a request still running, or its response (`answer`: the name
 * in the stored format, which replicas of different versions share, so it stays).
 */
export type StoredEntry =
  | { state: 'running'; fingerprint: string }
  | { state: 'done'; fingerprint: string; answer: string };

/**
 * Where idempotency keys live. `claim` is atomic: of two callers claiming one key at once,
 * exactly one gets `claimed` (and runs the request); the other sees the entry.
 */
export interface IdempotencyStore {
  /** Claims the key for a request (the entry `running` for `runningTtlMs`), or returns what is there. */
  claim(
    key: string,
    fingerprint: string,
    runningTtlMs: number,
  ): Promise<{ claimed: true } | { claimed: false; entry: StoredEntry }>;
  /** Stores the response of the request that claimed the key, for `ttlMs`. */
  complete(key: string, fingerprint: string, response: string, ttlMs: number): Promise<void>;
  /** Lets the key go without a response (the request failed in a way worth retrying). */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One process's store: enough for a single replica, lost on restart. Bounded: the least
 * recently used keys beyond `maxEntries` are forgotten first.
 */
export function createMemoryStore(options: { maxEntries?: number } = {}): IdempotencyStore {
  const entries = new LRUCache<string, StoredEntry>({ max: options.maxEntries ?? 100_000, ttlAutopurge: false });
  return {
    async claim(key, fingerprint, runningTtlMs) {
      const entry = entries.get(key);
      if (entry) return { claimed: false, entry };
      entries.set(key, { state: 'running', fingerprint }, { ttl: runningTtlMs });
      return { claimed: true };
    },
    async complete(key, fingerprint, response, ttlMs) {
      entries.set(key, { state: 'done', fingerprint, answer: response }, { ttl: ttlMs });
    },
    async release(key) {
      entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}
