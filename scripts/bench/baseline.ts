/**
 * The "no GraphQL" baseline: the upstream calls of each operation made from this process with the
 * project's own DigestClient over an undici keep-alive pool, `concurrency` operations at a time.
 */
import pLimit from 'p-limit';
import { DigestClient } from '../../src/ops-manager/digest.ts';
import { pooledTransport, type UpstreamResponse } from '../../src/ops-manager/transport.ts';
import type { BaselineUpstream } from './scenarios.ts';
import { LatencyRecorder, type LoadResult } from './stats.ts';

export interface BaselineClient extends BaselineUpstream {
  close(): Promise<void>;
}

/**
 * A Digest session over a keep-alive pool of `connections`, with at most as many calls in flight:
 * the same transport and Digest client as the gateway's (createUpstream), a p-limit cap in place of
 * its fair one, minus GraphQL, zod, retries and the breaker.
 */
export function createBaselineClient(
  baseUrl: string,
  credentials: { username: string; password: string },
  connections: number,
): BaselineClient {
  const pool = pooledTransport({ connections });
  const digest = new DigestClient({ credentials });
  const limit = pLimit(connections);
  const send = (method: string, path: string, body?: unknown) =>
    limit(async () => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const request = {
        url: `${baseUrl}${path}`,
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      };
      return readJson((await digest.send(request, pool.send)).response);
    });
  return { get: (path) => send('GET', path), patch: (path, body) => send('PATCH', path, body), close: pool.close };
}

function readJson(response: UpstreamResponse): unknown {
  if (response.status < 200 || response.status > 299) throw new Error(`upstream answered ${response.status}`);
  return JSON.parse(response.body);
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
