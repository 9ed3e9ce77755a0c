import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type App, type AppOverrides, createApp } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig, type SecurityConfig } from '../../src/config.ts';
import type { Gateway } from '../../src/gateway.ts';
import type { IdempotencyStore } from '../../src/idempotency/store.ts';
import { createLogger } from '../../src/logger.ts';
import { type FetchLike, wrapAsFetch } from '../fetch-send.ts';
import type { RetryPolicy } from '../../src/ops-manager/resilience.ts';
import type { Upstream } from '../../src/ops-manager/upstream.ts';
import { recordLogLine, registerSecret } from '../secrets-sweep.ts';
import { DEMO_API_KEY, type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';

/** jwt mode with an HS256 secret, the default scopes, as a test stack's `security`. */
export function hs256Security(options: {
  secret: string;
  issuer: string;
  audience: string;
  projectsClaim?: string;
}): Partial<SecurityConfig> {
  const { secret, issuer, audience, projectsClaim } = options;
  return {
    authMode: 'jwt',
    jwt: {
      secret,
      jwksUrl: undefined,
      issuer,
      audience,
      algorithms: ['HS256'],
      readScope: 'invitations:read',
      writeScope: 'invitations:write',
      projectsClaim,
    },
  };
}

export interface StackOptions {
  simulator?: SimulatorOptions;
  /** Credentials the gateway uses; the simulator's demo key by default. */
  apiKey?: { publicKey: string; privateKey: string };
  /** UPSTREAM_TIMEOUT_MS. @default 5000 (shorter than production's, for failure tests) */
  timeoutMs?: number;
  /** UPSTREAM_MAX_IN_FLIGHT */
  maxInFlight?: number;
  /** LOG_LEVEL. @default 'debug' (every line goes through the secrets sweep) */
  logLevel?: string;
  /** A fetch between the Digest step and the pool (tests count and break requests with it). */
  wrapTransport?: (fetch: FetchLike) => FetchLike;
  /** OPERATION_TIMEOUT_MS */
  operationTimeoutMs?: number;
  /** UPSTREAM_MAX_RETRIES, and the backoff timings. */
  retry?: Partial<RetryPolicy>;
  /** BREAKER_FAILURE_THRESHOLD, BREAKER_HALF_OPEN_AFTER_MS */
  breaker?: { failureThreshold?: number; halfOpenAfterMs?: number };
  /** The one clock of the stack: the upstream's retries and the gateway's deadlines and expiry. */
  clock?: Clock;
  tracing?: boolean;
  /** Changes to the security configuration the environment gives. */
  security?: Partial<SecurityConfig>;
  /** Where idempotency keys are kept. @default a new in-memory store */
  idempotencyStore?: IdempotencyStore;
  coalesceReads?: boolean;
  compiledExecution?: boolean;
  /** More environment variables, as a deployment would set them (FEDERATION_SUBGRAPH, ...). */
  env?: Record<string, string>;
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
  app: App;
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
  execute<T = unknown>(
    query: string | TypedDocumentNode<T, never>,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
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
  const apiKey = options.apiKey ?? DEMO_API_KEY;
  registerSecret(apiKey.privateKey);
  if (options.security?.jwt?.secret) registerSecret(options.security.jwt.secret);
  const app = await createApp(stackConfig(options), {
    ...appOverrides(options),
    logger,
    upstream: { baseUrl: simulator.baseUrl, publicKey: apiKey.publicKey, privateKey: apiKey.privateKey },
    audit: new Writable({
      write(chunk, _encoding, done) {
        recordLogLine(String(chunk));
        auditLines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    }),
    // Readiness tests change Ops Manager's state between probes.
    readinessCacheMs: 0,
  });
  const { upstream, gateway } = app;
  const server: Server = createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const client = new GraphQLClient(url);
  const partial = new GraphQLClient(url, { errorPolicy: 'all' });

  return {
    app,
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
      await app.close();
      await simulator.close();
    },
  };
}

/**
 * The configuration a deployment would give, as environment variables through loadConfig (so the
 * stack runs on the same defaults as production), with the test's security changes on top.
 */
export function stackConfig(options: StackOptions = {}) {
  const env: Record<string, string | undefined> = {
    LOG_LEVEL: options.logLevel ?? 'debug',
    UPSTREAM_TIMEOUT_MS: String(options.timeoutMs ?? 5_000),
    UPSTREAM_MAX_IN_FLIGHT: options.maxInFlight === undefined ? undefined : String(options.maxInFlight),
    OPERATION_TIMEOUT_MS: options.operationTimeoutMs === undefined ? undefined : String(options.operationTimeoutMs),
    UPSTREAM_MAX_RETRIES: options.retry?.maxRetries === undefined ? undefined : String(options.retry.maxRetries),
    BREAKER_FAILURE_THRESHOLD:
      options.breaker?.failureThreshold === undefined ? undefined : String(options.breaker.failureThreshold),
    BREAKER_HALF_OPEN_AFTER_MS:
      options.breaker?.halfOpenAfterMs === undefined ? undefined : String(options.breaker.halfOpenAfterMs),
    // Tests of other behaviours send hundreds of operations in seconds as one caller; the
    // rate-limit tests set their own budgets (test/integration/fair-share.test.ts).
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
    ...options.env,
  };
  const config = loadConfig(env);
  return { ...config, security: { ...config.security, ...options.security } };
}

/** What of the options is no setting. */
export function appOverrides(options: StackOptions): AppOverrides {
  return {
    clock: options.clock,
    retryTimings: { baseDelayMs: options.retry?.baseDelayMs, maxDelayMs: options.retry?.maxDelayMs },
    wrapTransport: options.wrapTransport && wrapAsFetch(options.wrapTransport),
    coalesceReads: options.coalesceReads,
    compiledExecution: options.compiledExecution,
    tracing: options.tracing,
    idempotencyStore: options.idempotencyStore,
  };
}

/**
 * One stack for the enclosing describe block, its simulator's data, counters and faults reset
 * before each test. The stack it returns stands for the one started in beforeAll (it forwards
 * to it), so tests use it as they would a `let stack` set there.
 */
export function useStack(options: StackOptions = {}): Stack {
  let current: Stack | undefined;
  beforeAll(async () => {
    current = await startStack(options);
  });
  afterAll(() => current?.close());
  beforeEach(() => {
    current!.simulator.store.reset();
    current!.simulator.counters.reset();
    current!.simulator.faults.clear();
  });
  return new Proxy({} as Stack, { get: (_target, member) => current![member as keyof Stack] });
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
