import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UpstreamObserver } from '../ops-manager/client.ts';
import type { Upstream } from '../ops-manager/upstream.ts';

/**
 * The gateway's own Prometheus metrics (the GraphQL phase metrics come from
 * @graphql-yoga/plugin-prometheus on the same registry). Every label has a small, fixed
 * set of values: routes are templates, statuses and codes are enums; no id, email or
 * operation text ever becomes a label.
 */
export interface Metrics {
  registry: Registry;
  operations: Counter<'operation_type' | 'operation_name' | 'outcome'>;
  operationDuration: Histogram<'operation_type' | 'outcome'>;
  operationErrors: Counter<'code'>;
  upstream: UpstreamObserver;
  loaderBatchSize: Histogram<string>;
  /** Documents compiled by graphql-jit (plugins/use-compiled-execution.ts). */
  compilations: Counter<string>;
  /** Mutations that carried an Idempotency-Key, by what became of the key. */
  idempotency: Counter<'outcome'>;
  /** Operations refused by a caller's budget (429 RATE_LIMITED), by identity class and operation type. */
  rateLimited: Counter<'identity_class' | 'operation_type'>;
  /** The shared state (Redis) could not be read or written: the request went on without it (fail open). */
  sharedStateErrors: Counter<'store'>;
  /** Reads the breaker and in-flight figures of an upstream at scrape time (its `status()`). */
  watch(upstream: Pick<Upstream, 'status'>): void;
}

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(registry = new Registry()): Metrics {
  const operations = new Counter({
    name: 'gateway_operations_total',
    help: 'GraphQL operations responded to, by type, name and outcome (ok, partial, error, rejected).',
    labelNames: ['operation_type', 'operation_name', 'outcome'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'gateway_operation_duration_seconds',
    help: 'Time from request to response of GraphQL operations.',
    labelNames: ['operation_type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const operationErrors = new Counter({
    name: 'gateway_operation_errors_total',
    help: 'Errors in GraphQL responses, by stable code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const upstreamRequests = new Counter({
    name: 'upstream_requests_total',
    help: 'Ops Manager call attempts, by method, route template and HTTP status (or network, timeout).',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Duration of Ops Manager call attempts, Digest round trips included.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const upstreamRetries = new Counter({
    name: 'upstream_retries_total',
    help: 'Ops Manager calls retried, by the code of the failure that caused the retry.',
    labelNames: ['method', 'route', 'code'] as const,
    registers: [registry],
  });
  const loaderBatchSize = new Histogram({
    name: 'gateway_loader_batch_size',
    help: 'Projects loaded per DataLoader batch.',
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  const compilations = new Counter({
    name: 'gateway_graphql_compilations_total',
    help: 'Documents compiled by graphql-jit: one per distinct document while it stays cached; a steady rise means more distinct documents than the cache holds.',
    registers: [registry],
  });
  const idempotency = new Counter({
    name: 'gateway_idempotency_requests_total',
    help: 'Mutations with an Idempotency-Key, by outcome: stored, replayed, released (not kept: worth retrying), in_use (409), reused (422), invalid (400), store_error (the store could not be reached: the mutation ran without the guarantee).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  const rateLimited = new Counter({
    name: 'gateway_rate_limited_requests_total',
    help: 'Operations refused with 429 RATE_LIMITED by a caller budget, by identity class (jwt, passthrough, anonymous) and operation type (read, mutation).',
    labelNames: ['identity_class', 'operation_type'] as const,
    registers: [registry],
  });
  const sharedStateErrors = new Counter({
    name: 'gateway_shared_state_errors_total',
    help: 'Reads and writes of the shared state (Redis) that failed, by store (rate_limit, upstream_pause): the request went on without it (fail open).',
    labelNames: ['store'] as const,
    registers: [registry],
  });
  const queueWait = new Histogram({
    name: 'upstream_queue_wait_seconds',
    help: 'Time Ops Manager calls waited for a slot of the in-flight cap (UPSTREAM_MAX_IN_FLIGHT), all attempts of a call together.',
    buckets: [0.001, ...LATENCY_BUCKETS],
    registers: [registry],
  });
  const pauses = new Counter({
    name: 'upstream_pauses_total',
    help: "Ops Manager 429 pauses: started (a 429 with Retry-After paused a project's calls), refused (a call failed fast during one).",
    labelNames: ['event'] as const,
    registers: [registry],
  });

  const digestChallenges = new Counter({
    name: 'upstream_digest_challenges_total',
    help: 'Digest challenges (401 with WWW-Authenticate) received from Ops Manager.',
    registers: [registry],
  });
  const watched: Array<Pick<Upstream, 'status'>> = [];
  let deduplicatedSeen = 0;
  new Counter({
    name: 'upstream_reads_coalesced_total',
    help: 'Reads that shared an identical GET already in flight instead of sending their own.',
    registers: [registry],
    collect() {
      const total = watched.reduce((sum, upstream) => sum + upstream.status().readsCoalesced, 0);
      this.inc(Math.max(0, total - deduplicatedSeen));
      deduplicatedSeen = total;
    },
  });
  new Gauge({
    name: 'upstream_circuit_open',
    help: 'Whether the circuit breaker to Ops Manager is open (1), half-open (0.5) or closed (0).',
    registers: [registry],
    collect() {
      const state = watched[0]?.status().breaker;
      this.set(state === 'open' ? 1 : state === 'half-open' ? 0.5 : 0);
    },
  });
  new Gauge({
    name: 'upstream_requests_in_flight',
    help: 'Ops Manager calls holding a slot of the in-flight cap, and waiting for one.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const load = watched[0]?.status().inFlight ?? { active: 0, pending: 0 };
      this.set({ state: 'active' }, load.active);
      this.set({ state: 'pending' }, load.pending);
    },
  });

  return {
    registry,
    operations,
    operationDuration,
    operationErrors,
    loaderBatchSize,
    compilations,
    idempotency,
    rateLimited,
    sharedStateErrors,
    upstream: {
      call({ method, route, attempts, retries, challenges, queueMs }) {
        if (attempts.length > 0) queueWait.observe(queueMs / 1000);
        for (const { status, durationMs } of attempts) {
          upstreamRequests.inc({ method, route, status });
          upstreamDuration.observe({ method, route }, durationMs / 1000);
        }
        for (const { code } of retries) upstreamRetries.inc({ method, route, code });
        if (challenges > 0) digestChallenges.inc(challenges);
      },
      batch(size) {
        loaderBatchSize.observe(size);
      },
      pause(event) {
        pauses.inc({ event });
      },
    },
    watch(upstream) {
      watched.push(upstream);
    },
  };
}
