import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import type { SecurityConfig } from '../../src/config.ts';
import { createAuditLog } from '../../src/changes/audit-log.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { createMemoryStore, type IdempotencyStore } from '../../src/idempotency/store.ts';
import { createLogger } from '../../src/logger.ts';
import type { FetchLike } from '../../src/ops-manager/client.ts';
import { createUpstream, type Upstream, type UpstreamOptions } from '../../src/ops-manager/upstream.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createReadinessCheck } from '../../src/readiness.ts';
import { recordLogLine, registerSecret } from '../secrets-sweep.ts';
import { DEMO_API_KEY, type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';

export interface StackOptions {
  simulator?: SimulatorOptions;
  /** Credentials the gateway uses; the simulator's demo key by default. */
  apiKey?: { publicKey: string; privateKey: string };
  timeoutMs?: number;
  maxInFlight?: number;
  logLevel?: string;
  wrapTransport?: (fetch: FetchLike) => FetchLike;
  operationTimeoutMs?: number;
  retry?: UpstreamOptions['retry'];
  breaker?: UpstreamOptions['breaker'];
  /** The one clock of the stack: the upstream's retries and the gateway's deadlines and expiry. */
  clock?: UpstreamOptions['clock'];
  tracing?: boolean;
  security?: Partial<SecurityConfig>;
  /** Where idempotency keys are kept. @default a new in-memory store */
  idempotencyStore?: IdempotencyStore;
  coalesceReads?: boolean;
}

export interface GraphQLResult<T> {
  data: T | null | undefined;
  errors: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> | undefined;
  status: number;
}

/**
 * The whole product on loopback, as a user runs it: the simulator (real HTTP, real Digest),
 * the real upstream stack (keep-alive pool, Digest client, REST client), and the gateway
 * behind a real socket on port 0. Every log line is kept, so tests can look for secrets.
 */
export interface Stack {
  simulator: Simulator;
  upstream: Upstream;
  gateway: Gateway;
  url: string;
  logLines: string[];
  /** The audit trail's lines, parsed. */
  auditLines: Array<Record<string, unknown>>;
  /** Typed request; throws when the answer has errors. */
  request<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T>;
  /** Any request, keeping data and errors (partial results). */
  execute<T = unknown>(query: string | TypedDocumentNode<T, never>, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** Authenticated API requests the simulator has answered, per route. */
  upstreamCalls(route?: string): number;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const simulator = await startSimulator(options.simulator);
  const logLines: string[] = [];
  const logger = createLogger({
    level: options.logLevel ?? 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        recordLogLine(String(chunk));
        done();
      },
    }),
  });
  const auditLines: Array<Record<string, unknown>> = [];
  const audit = createAuditLog(
    new Writable({
      write(chunk, _encoding, done) {
        recordLogLine(String(chunk));
        auditLines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    }),
  );
  const idempotencyStore = options.idempotencyStore ?? createMemoryStore();
  const apiKey = options.apiKey ?? DEMO_API_KEY;
  registerSecret(apiKey.privateKey);
  if (options.security?.jwt?.secret) registerSecret(options.security.jwt.secret);
  const metrics = createMetrics();
  const upstream = createUpstream({
    baseUrl: simulator.baseUrl,
    publicKey: apiKey.publicKey,
    privateKey: apiKey.privateKey,
    logger,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxInFlight: options.maxInFlight ?? 32,
    wrapTransport: options.wrapTransport,
    retry: options.retry,
    breaker: options.breaker,
    clock: options.clock,
    observer: metrics.upstream,
    coalesceReads: options.coalesceReads,
  });
  metrics.watch(upstream);
  const gateway = createGateway({
    client: upstream.client,
    clientFor: (apiKey) => upstream.clientFor(apiKey),
    security: options.security,
    logger,
    clock: options.clock,
    operationTimeoutMs: options.operationTimeoutMs,
    isReady: createReadinessCheck(upstream, { cacheMs: 0, clock: options.clock }),
    metrics,
    tracing: options.tracing,
    audit,
    idempotency: {
      store: idempotencyStore,
      windowMs: 60_000,
      runningTtlMs: 30_000,
      onOutcome: (outcome) => metrics.idempotency.inc({ outcome }),
    },
  });
  const server: Server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const client = new GraphQLClient(url);
  const partial = new GraphQLClient(url, { errorPolicy: 'all' });

  return {
    simulator,
    upstream,
    gateway,
    url,
    logLines,
    auditLines,
    // graphql-request's conditional variable types do not survive this generic signature.
    request: <T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables?: V) =>
      client.request<T>({ document, variables } as never),
    async execute(query, variables) {
      // graphql-request with errorPolicy 'all' keeps data and errors side by side.
      const text = typeof query === 'string' ? query : print(query);
      try {
        const { data, errors, status } = await partial.rawRequest<never>(text, variables);
        return { data, errors: errors as GraphQLResult<never>['errors'], status };
      } catch (error) {
        // A request GraphQL refuses as a whole (validation, bad variables) answers 4xx.
        const response = (error as { response?: { data?: never; errors?: never; status: number } }).response;
        if (!response) throw error;
        return { data: response.data, errors: response.errors, status: response.status };
      }
    },
    upstreamCalls(route) {
      const { byRoute, authenticated } = simulator.counters.snapshot();
      return route ? (byRoute[route] ?? 0) : authenticated;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
      await idempotencyStore.close();
      await simulator.close();
    },
  };
}

export const LIST_ROUTE = 'GET /groups/{groupId}/invites';

/** A fetch wrapper that records how many calls are in flight at once. */
export function concurrencyProbe(inner: FetchLike): { fetch: FetchLike; max: () => number } {
  let current = 0;
  let max = 0;
  return {
    fetch: async (input, init) => {
      current += 1;
      max = Math.max(max, current);
      try {
        return await inner(input, init);
      } finally {
        current -= 1;
      }
    },
    max: () => max,
  };
}
