/**
 * The "no GraphQL" baseline: the upstream calls of each operation made from this process with the
 * project's own DigestClient over an undici keep-alive pool, `concurrency` operations at a time.
 */
import pLimit from 'p-limit';
import { Agent, fetch as undiciFetch } from 'undici';
import { DigestClient } from '../../src/ops-manager/digest.ts';
import type { BaselineUpstream } from './scenarios.ts';
import { LatencyRecorder, type LoadResult } from './stats.ts';

export interface BaselineClient extends BaselineUpstream {
  close(): Promise<void>;
}

/**
 * A Digest session over a keep-alive pool of `connections`, with at most as many calls in flight:
 * the same stack as the gateway's (createUpstream: undici Agent, DigestClient, p-limit cap of
 * UPSTREAM_MAX_IN_FLIGHT), minus GraphQL, zod, retries and the breaker.
 */
export function createBaselineClient(
  baseUrl: string,
  credentials: { username: string; password: string },
  connections: number,
): BaselineClient {
  const agent = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const digest = new DigestClient({
    credentials,
    fetch: (input, init) =>
      undiciFetch(input, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>,
  });
  const limit = pLimit(connections);
  return {
    // Body read inside the slot, as the gateway's client does.
    get: (path) =>
      limit(async () => readJson(await digest.fetch(`${baseUrl}${path}`, { headers: { Accept: 'application/json' } }))),
    patch: (path, body) =>
      limit(async () =>
        readJson(
          await digest.fetch(`${baseUrl}${path}`, {
            method: 'PATCH',
            headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
        ),
      ),
    close: () => agent.close(),
  };
}

async function readJson(response: Response): Promise<unknown> {
  if (!response.ok) {
    await response.arrayBuffer();
    throw new Error(`upstream answered ${response.status}`);
  }
  return response.json();
}

/**
 * Runs `operation` in `concurrency` loops for `durationS` seconds. Every operation started is
 * awaited before it returns, so the simulator's counters cover whole operations only.
 */
export async function runBaseline(
  operation: () => Promise<void>,
  concurrency: number,
  durationS: number,
): Promise<LoadResult> {
  const latencies = new LatencyRecorder();
  let ok = 0;
  let failed = 0;
  let stopping = false;
  let first = 0;
  let last = 0;
  const started = performance.now();
  const timer = setTimeout(() => (stopping = true), durationS * 1000);
  const loop = async () => {
    while (!stopping) {
      const begun = performance.now();
      try {
        await operation();
        last = performance.now();
        latencies.record(last - begun);
        ok += 1;
      } catch {
        last = performance.now();
        failed += 1;
      }
      first ||= last;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  clearTimeout(timer);
  return { ok, failed, wallS: (last - started) / 1000, latencies, firstResponseAfterS: (first - started) / 1000 };
}
