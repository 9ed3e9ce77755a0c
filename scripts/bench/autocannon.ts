/**
 * Drives the gateway with autocannon (no type package is installed, so the few options used are
 * typed here). Latencies are taken from autocannon's per-response event, in fractional
 * milliseconds: its own histogram keeps whole milliseconds, too coarse for a 1.5 ms budget.
 */
import { createRequire } from 'node:module';
import { LatencyRecorder, type LoadResult } from './stats.ts';

interface AutocannonRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  /** Requests in all; when set, autocannon ignores `duration`. */
  amount?: number;
  duration?: number;
  /** Each connection cycles through these in order. */
  requests: AutocannonRequest[];
  /** False counts the response as a mismatch. */
  verifyBody?: (body: string) => boolean;
  /** Seconds. */
  timeout: number;
  sampleInt: number;
  renderProgressBar: false;
  renderLatencyTable: false;
  renderResultsTable: false;
}

interface AutocannonResult {
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  '2xx': number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, latencyMs: number) => void): void;
  stop(): void;
}

type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface GraphqlLoad {
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  connections: number;
  /** JSON bodies of GraphQL requests; each connection sends them in turn (a mutation alternates roles). */
  bodies: readonly string[];
  /** Extra request headers (the bearer token). */
  headers?: Record<string, string>;
}

/**
 * Runs `load` until `amount` responses, or for `durationS` seconds when amount is undefined. A
 * fixed amount makes the simulator's counters exact per operation: nothing is left in flight when
 * it ends. `capS` stops a run that takes far longer than planned. A 200 whose body starts with
 * "errors" (a failed GraphQL operation) counts as a failure, not as a success.
 */
export function runAutocannon(
  load: GraphqlLoad,
  plan: { amount?: number; durationS: number; capS: number },
): Promise<LoadResult> {
  const path = new URL(load.url).pathname;
  const requests = load.bodies.map((body) => ({
    method: 'POST' as const,
    path,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...load.headers },
    body,
  }));
  const latencies = new LatencyRecorder();
  let first = 0;
  let last = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        ...(plan.amount === undefined
          ? { duration: plan.durationS }
          : { amount: Math.max(plan.amount, load.connections) }),
        requests,
        verifyBody: (body) => !body.startsWith('{"errors"'),
        timeout: 30,
        sampleInt: 100,
        renderProgressBar: false,
        renderLatencyTable: false,
        renderResultsTable: false,
      },
      (error, result) => {
        clearTimeout(cap);
        if (error) return reject(error);
        const wallS = ((last || performance.now()) - started) / 1000;
        resolve({
          ok: result['2xx'] - result.mismatches,
          failed: result.errors + result.timeouts + result.non2xx + result.mismatches,
          wallS,
          latencies,
          firstResponseAfterS: (first - started) / 1000,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, latencyMs) => {
      last = performance.now();
      first ||= last;
      if (status >= 200 && status < 300) latencies.record(latencyMs);
    });
    const cap = setTimeout(() => instance.stop(), plan.capS * 1000);
  });
}
