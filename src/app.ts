import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import { type AuditLog, createAuditLog } from './changes/audit-log.ts';
import type { Clock } from './clock.ts';
import type { Config, UpstreamConfig } from './config.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { exampleOperation, exampleTabs, type GraphiQLDemoData } from './graphiql.ts';
import { createRedisStore } from './idempotency/redis-store.ts';
import { createCallerBudgets } from './security/rate-limit.ts';
import { createSharedRedis } from './shared-state/redis-client.ts';
import { createRedisPauses } from './shared-state/redis-pauses.ts';
import { createMemoryStore, type IdempotencyStore } from './idempotency/store.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { startTracing } from './observability/tracing.ts';
import type { OpsManagerClient } from './ops-manager/client.ts';
import type { RetryPolicy } from './ops-manager/resilience.ts';
import type { Send } from './ops-manager/transport.ts';
import { createUpstream, type Upstream } from './ops-manager/upstream.ts';
import { createReadinessCheck } from './readiness.ts';
import { subgraphSchemaFor } from './schema/index.ts';
import type { TrustedDocuments } from './security/trusted-documents.ts';
import type { Simulator, SimulatorOptions } from './simulator/index.ts';

/**
 * What a test, a script or a benchmark changes of the app a configuration describes: things
 * that are no setting (a clock, a transport wrapper, a log destination, a simulator it started
 * itself). Every setting comes from `Config`, whose schema is the one place a default is written.
 */
export interface AppOverrides {
  /** @default a JSON logger on stdout at LOG_LEVEL */
  logger?: Logger;
  /** Ops Manager to use instead of the configured one (or the embedded simulator): e.g. a simulator a test started. */
  upstream?: UpstreamConfig;
  /** Options of the embedded simulator, started when no upstream is configured or given. */
  simulator?: Omit<SimulatorOptions, 'port'>;
  /** The one clock of the app: retries, deadlines, expiry, readiness, Digest. @default systemClock */
  clock?: Clock;
  /** Backoff timings of the retry stage (how many retries is UPSTREAM_MAX_RETRIES). */
  retryTimings?: Partial<Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>>;
  /** Wraps the pooled HTTP transport under the Digest step (tests count with it). */
  wrapTransport?: (send: Send) => Send;
  /** Request deduplication: concurrent identical reads share one GET (ops-manager/deduplication.ts). @default config.upstreamCalls.coalesceReads (UPSTREAM_COALESCE_READS) */
  coalesceReads?: boolean;
  /** graphql-jit's compiled executor. @default true */
  compiledExecution?: boolean;
  /** Trace operations with a tracer provider registered by the caller, without starting an exporter. */
  tracing?: boolean;
  /** Where the audit trail goes instead of AUDIT_LOG. */
  audit?: DestinationStream;
  /** Where idempotency keys are kept instead of IDEMPOTENCY_REDIS_URL / memory. */
  idempotencyStore?: IdempotencyStore;
  /** How long a readiness probe of Ops Manager is reused. @default 5000 */
  readinessCacheMs?: number;
  /** The trusted documents instead of the client package's manifest. */
  trustedDocuments?: TrustedDocuments;
  /** Responds to the gateway's Ops Manager calls instead of the upstream's client (the benchmark's from-memory layer). */
  client?: OpsManagerClient;
}

/** The whole service, built and not listening: `server.ts` (or a test) puts `handle` behind a socket. */
export interface App {
  config: Config;
  logger: Logger;
  upstream: Upstream;
  metrics: Metrics;
  /** The plain API at /graphql (and /health, /readiness, /metrics). */
  gateway: Gateway;
  /** The federation subgraph at /subgraph, when FEDERATION_SUBGRAPH is on. */
  subgraph: Gateway | undefined;
  /** The embedded simulator, when the app started one. */
  simulator: Simulator | undefined;
  /** Ops Manager's base URL the app talks to. */
  upstreamUrl: string;
  /** A Node request listener: /subgraph to the subgraph when it is on, everything else to the gateway. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** True once `startDraining()` was called: the replica is on its way out. */
  readonly draining: boolean;
  /**
   * The first step of a shutdown: /readiness responds 503 from now on (a load balancer stops
   * picking this replica) while everything else is still served, each response with
   * `Connection: close` (a proxy stops reusing its connections to it). Cannot be undone.
   */
  startDraining(): void;
  /** Closes what the app opened: the connection pool, the idempotency store, the simulator, tracing. */
  close(): Promise<void>;
}

/**
 * The one composition root: builds the app a configuration describes. The embedded simulator
 * when no upstream is configured, the upstream (pool, pipeline, breaker, cap), metrics,
 * readiness, the idempotency store, the shared state (rate-limit budgets, 429 pauses), the audit
 * trail, the gateway and, when asked, the subgraph.
 * Settings come from `config` only; `overrides` hold what is not a setting.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  let upstreamConfig = overrides.upstream ?? config.upstream;
  let simulator: Simulator | undefined;
  let demoData: GraphiQLDemoData | undefined;
  if (!upstreamConfig) {
    // Loaded lazily: a production deployment never loads the simulator's code.
    const { startSimulator, DEMO_API_KEY, DEMO_PROJECT_IDS, DEMO_INVITATIONS } = await import('./simulator/index.ts');
    simulator = await startSimulator({ ...overrides.simulator, port: config.simulatorPort });
    demoData = { projectIds: DEMO_PROJECT_IDS, invitations: DEMO_INVITATIONS };
    upstreamConfig = {
      baseUrl: simulator.baseUrl,
      publicKey: DEMO_API_KEY.publicKey,
      privateKey: DEMO_API_KEY.privateKey,
    };
    logger.info(
      { simulator: simulator.baseUrl, demoProjectIds: DEMO_PROJECT_IDS },
      'No OPS_MANAGER_BASE_URL set: started the embedded Ops Manager simulator with demo data (development only)',
    );
  }

  const stopTracing = config.tracing ? startTracing(config.tracing) : undefined;
  if (config.tracing) logger.info({ endpoint: config.tracing.endpoint }, 'OpenTelemetry tracing on');
  const metrics = createMetrics();
  // Rate-limit budgets and Ops Manager's 429 pauses, shared by replicas when Redis is configured.
  const sharedRedis = config.fairShare.redisUrl
    ? createSharedRedis({ url: config.fairShare.redisUrl, logger })
    : undefined;
  const upstream = createUpstream({
    ...upstreamConfig,
    ...config.upstreamCalls,
    logger,
    retry: { ...definedOnly(overrides.retryTimings), ...config.upstreamCalls.retry },
    observer: metrics.upstream,
    clock: overrides.clock,
    wrapTransport: overrides.wrapTransport,
    coalesceReads: overrides.coalesceReads ?? config.upstreamCalls.coalesceReads,
    pauses:
      sharedRedis &&
      createRedisPauses(sharedRedis, { onError: () => metrics.sharedStateErrors.inc({ store: 'upstream_pause' }) }),
  });
  metrics.watch(upstream);
  const idempotencyStore =
    overrides.idempotencyStore ??
    (config.idempotency.redisUrl
      ? createRedisStore({ url: config.idempotency.redisUrl, logger })
      : createMemoryStore());
  const audit: AuditLog | undefined = createAuditLog(overrides.audit ?? config.audit);
  const upstreamReady = createReadinessCheck(upstream, { cacheMs: overrides.readinessCacheMs, clock: overrides.clock });
  let draining = false;

  // What the plain API and the subgraph share: one client (one in-flight cap, one breaker),
  // one readiness probe (one cache), one security configuration, one idempotency store, one
  // set of caller budgets.
  const shared = {
    client: overrides.client ?? upstream.client,
    clientFor: upstream.clientFor,
    security: config.security,
    logger,
    clock: overrides.clock,
    operationTimeoutMs: config.operationTimeoutMs,
    isReady: async () => !draining && (await upstreamReady()),
    compiledExecution: overrides.compiledExecution,
    trustedDocuments: overrides.trustedDocuments,
    audit,
    idempotency: {
      store: idempotencyStore,
      windowMs: config.idempotency.windowMs,
      // A replica that dies mid-mutation frees its keys once the operation could no longer be running.
      runningTtlMs: config.operationTimeoutMs + 5_000,
      onOutcome: (outcome: string) => metrics.idempotency.inc({ outcome }),
    },
    rateLimit: createCallerBudgets({
      readsPerMinute: config.fairShare.readsPerMinute,
      mutationsPerMinute: config.fairShare.mutationsPerMinute,
      redis: sharedRedis,
      logger,
      onLimited: (identityClass, kind) =>
        metrics.rateLimited.inc({ identity_class: identityClass, operation_type: kind }),
      onStoreError: () => metrics.sharedStateErrors.inc({ store: 'rate_limit' }),
    }),
  };
  const gateway = createGateway({
    ...shared,
    graphiqlDefaultQuery: exampleOperation(demoData?.projectIds),
    graphiqlDefaultTabs: exampleTabs(demoData),
    metrics,
    tracing: config.tracing !== undefined || overrides.tracing === true,
  });
  // The federation subgraph serves /subgraph on the same port, only when a deployment
  // behind a router asks for it, with Project keyed by the company graph's id scalar and the
  // names it adds in their namespace.
  const subgraph = config.federationSubgraph
    ? createGateway({
        ...shared,
        // A router sends documents of its own query plans, which no manifest can list.
        security: { ...config.security, trustedDocuments: 'off' },
        schema: subgraphSchemaFor(config.federationProjectIdType, config.federationNamespace),
        graphqlEndpoint: '/subgraph',
        graphiql: false,
      })
    : undefined;

  return {
    config,
    logger,
    upstream,
    metrics,
    gateway,
    subgraph,
    simulator,
    upstreamUrl: upstreamConfig.baseUrl,
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    handle(request, response) {
      // Node ends the connection after a response that says so; Yoga leaves the header alone.
      if (draining) response.setHeader('connection', 'close');
      const path = (request.url ?? '/').split('?')[0];
      void (subgraph && path === '/subgraph' ? subgraph : gateway)(request, response);
    },
    async close() {
      await upstream.close();
      await idempotencyStore.close();
      sharedRedis?.disconnect();
      await simulator?.close();
      await stopTracing?.();
    },
  };
}

/** The object without its undefined members, so that spreading it keeps the defaults it leaves open. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, member]) => member !== undefined)) as Partial<T>;
}
