import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiKey } from './auth/caller.ts';
import type { Config } from './config.ts';
import { createAuditLog } from './changes/audit-log.ts';
import { createGateway } from './gateway.ts';
import { createRedisStore } from './idempotency/redis-store.ts';
import { createMemoryStore } from './idempotency/store.ts';
import { exampleOperation, exampleTabs, type GraphiQLDemoData } from './graphiql.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { startTracing } from './observability/tracing.ts';
import { createUpstream } from './ops-manager/upstream.ts';
import { createReadinessCheck } from './readiness.ts';
import { subgraphSchemaFor } from './schema/index.ts';

export interface RunningServer {
  url: string;
  /** Stops accepting, lets in-flight operations finish (at most `shutdownGraceMs`), then closes everything. */
  stop(): Promise<void>;
}

/**
 * Starts the whole service from a configuration: the embedded simulator when no upstream
 * is configured, the upstream stack, the gateway, and the HTTP listener.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  let upstreamConfig = config.upstream;
  let stopSimulator: (() => Promise<void>) | undefined;
  let demoData: GraphiQLDemoData | undefined;
  if (!upstreamConfig) {
    // Loaded lazily: a production deployment never loads the simulator's code.
    const { startSimulator, DEMO_API_KEY, DEMO_PROJECT_IDS, DEMO_INVITATIONS } = await import('./simulator/index.ts');
    const simulator = await startSimulator({ port: config.simulatorPort });
    stopSimulator = () => simulator.close();
    demoData = { projectIds: DEMO_PROJECT_IDS, invitations: DEMO_INVITATIONS };
    upstreamConfig = { baseUrl: simulator.baseUrl, publicKey: DEMO_API_KEY.publicKey, privateKey: DEMO_API_KEY.privateKey };
    logger.info(
      { simulator: simulator.baseUrl, demoProjectIds: DEMO_PROJECT_IDS },
      'No OPS_MANAGER_BASE_URL set: started the embedded Ops Manager simulator with demo data (development only)',
    );
  }

  const stopTracing = config.tracing ? startTracing(config.tracing) : undefined;
  if (config.tracing) logger.info({ endpoint: config.tracing.endpoint }, 'OpenTelemetry tracing on');
  const metrics = createMetrics();
  const upstream = createUpstream({
    ...upstreamConfig,
    logger,
    timeoutMs: config.upstreamTimeoutMs,
    maxInFlight: config.upstreamMaxInFlight,
    retry: { maxRetries: config.upstreamMaxRetries },
    breaker: { failureThreshold: config.breakerFailureThreshold, halfOpenAfterMs: config.breakerHalfOpenAfterMs },
    observer: metrics.upstream,
    maxSessions: config.security.passthroughMaxSessions,
  });
  metrics.watch(upstream);
  logger.info({ authMode: config.security.authMode }, 'Caller authentication');
  logger.info({ mode: config.security.trustedDocuments }, 'Trusted documents (TRUSTED_DOCUMENTS)');
  // What the plain API and the subgraph share: one client (one in-flight cap, one breaker),
  // one readiness probe (one cache), one security configuration.
  const idempotencyStore = config.idempotency.redisUrl
    ? createRedisStore({ url: config.idempotency.redisUrl, logger })
    : createMemoryStore();
  const shared = {
    audit: createAuditLog(config.audit),
    idempotency: {
      store: idempotencyStore,
      windowMs: config.idempotency.windowMs,
      // A replica that dies mid-change frees its keys once the operation could no longer be running.
      runningTtlMs: config.operationTimeoutMs + 5_000,
      onOutcome: (outcome: string) => metrics.idempotency.inc({ outcome }),
    },
    client: upstream.client,
    clientFor: (apiKey: ApiKey) => upstream.clientFor(apiKey),
    security: config.security,
    logger,
    operationTimeoutMs: config.operationTimeoutMs,
    isReady: createReadinessCheck(upstream),
  };
  const gateway = createGateway({
    ...shared,
    graphiqlDefaultQuery: exampleOperation(demoData?.projectIds),
    graphiqlDefaultTabs: exampleTabs(demoData),
    metrics,
    tracing: config.tracing !== undefined,
  });
  // The federation subgraph serves /subgraph on the same port, only when a deployment
  // behind a router asks for it, with Project keyed by the company graph's id scalar.
  const subgraph = config.federationSubgraph
    ? createGateway({
        ...shared,
        // A router sends documents of its own query plans, which no manifest can list.
        security: { ...shared.security, trustedDocuments: 'off' },
        schema: subgraphSchemaFor(config.federationProjectIdType),
        graphqlEndpoint: '/subgraph',
        graphiql: false,
      })
    : undefined;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    void (subgraph && path === '/subgraph' ? subgraph : gateway)(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const url = `http://${config.host}:${(server.address() as AddressInfo).port}/graphql`;
  logger.info({ url, upstream: upstreamConfig.baseUrl }, 'Gateway listening; open this URL in a browser for GraphiQL');
  if (subgraph) {
    logger.info(
      { url: url.replace(/\/graphql$/, '/subgraph'), projectIdType: config.federationProjectIdType },
      'Federation subgraph served (FEDERATION_SUBGRAPH=true)',
    );
  }

  return {
    url,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections go idle as their last response ends: close them as they do.
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      const grace = setTimeout(() => {
        logger.warn({ graceMs: config.shutdownGraceMs }, 'Shutdown grace period over: closing the connections still open');
        server.closeAllConnections();
      }, config.shutdownGraceMs);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweeper);
      clearTimeout(grace);
      await upstream.close();
      await idempotencyStore.close();
      await stopSimulator?.();
      await stopTracing?.();
    },
  };
}
