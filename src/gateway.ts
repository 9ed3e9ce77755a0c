import type { GraphQLSchema } from 'graphql';
import { createYoga, useExecutionCancellation, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { GatewayContext } from './context.ts';
import type { GraphiQLTab } from './graphiql.ts';
import type { Logger } from './logger.ts';
import type { OpsManagerClient } from './ops-manager/client.ts';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Metrics } from './observability/metrics.ts';
import { requestIdOf, useOperationObservability } from './observability/operation-plugin.ts';
import { useTracing } from './observability/tracing.ts';
import { createLoaders } from './ops-manager/loaders.ts';
import { schema } from './schema/index.ts';

export interface GatewayDeps {
  client: OpsManagerClient;
  logger: Logger;
  /** The clock; tests pin it. @default () => new Date() */
  now?: () => Date;
  /** Serve GraphiQL on GET /graphql. @default true */
  graphiql?: boolean;
  /** The operation GraphiQL opens with, and that a new tab starts with. */
  graphiqlDefaultQuery?: string;
  /** The tabs GraphiQL opens with (when the browser has none saved). @default one tab of graphiqlDefaultQuery */
  graphiqlDefaultTabs?: GraphiQLTab[];
  /** The schema to serve (the federation subgraph schema, say). @default the plain schema */
  schema?: GraphQLSchema;
  /** @default '/graphql' */
  graphqlEndpoint?: string;
  /** Deadline of one GraphQL operation in ms: its upstream calls are aborted then. @default 15000 */
  operationTimeoutMs?: number;
  /** Answers GET /readiness: 200 when true, 503 when false. @default always ready */
  isReady?: () => Promise<boolean>;
  /** Prometheus metrics, served at /metrics. @default none */
  metrics?: Metrics;
  /** Wrap requests in OpenTelemetry server spans (a provider must be registered). @default false */
  tracing?: boolean;
}

export type Gateway = YogaServerInstance<Record<string, never>, GatewayContext>;

/**
 * Builds the GraphQL server: schema, per-operation context, GraphiQL and logging.
 * It neither reads the environment nor listens; main.ts does, and tests drive the
 * instance directly or put it behind a socket on port 0.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const now = deps.now ?? (() => new Date());
  const operationTimeoutMs = deps.operationTimeoutMs ?? 15_000;
  const isReady = deps.isReady ?? (async () => true);
  let graphiqlPage: Promise<string> | undefined;
  return createYoga<Record<string, never>, GatewayContext>({
    schema: deps.schema ?? schema,
    graphqlEndpoint: deps.graphqlEndpoint ?? '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // Expected failures are GraphQLErrors with a code and pass through; anything else
    // (a bug, a library error) is masked so no stack or upstream detail reaches a client.
    maskedErrors: true,
    graphiql:
      deps.graphiql === false
        ? false
        : { title: 'Ops Manager invitations', defaultQuery: deps.graphiqlDefaultQuery, defaultTabs: deps.graphiqlDefaultTabs },
    // GraphiQL's page with its scripts, styles and editor workers inlined: Yoga's default page
    // loads them from a CDN, which a machine without internet access cannot reach. The module
    // (about 9 MB of page) is imported on the first GET of GraphiQL only, and the page, whose
    // options never change for this instance, is rendered once.
    renderGraphiQL: (options) =>
      (graphiqlPage ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options))),
    logging: {
      debug: (...args) => deps.logger.debug({ args }, 'yoga'),
      info: (...args) => deps.logger.info({ args }, 'yoga'),
      warn: (...args) => deps.logger.warn({ args }, 'yoga'),
      error: (...args) => deps.logger.error({ err: args[0] }, 'yoga error'),
    },
    plugins: [
      // A caller who goes away stops execution, and its signal aborts the upstream calls.
      useExecutionCancellation(),
      // Liveness (/health) stays cheap; readiness says whether Ops Manager can be used now.
      useReadinessCheck({ endpoint: '/readiness', check: () => isReady() }),
      useOperationObservability({ logger: deps.logger, metrics: deps.metrics }),
      ...(deps.metrics ? [prometheus(deps.metrics)] : []),
      ...(deps.tracing ? [useTracing()] : []),
    ],
    context: ({ request }) => {
      // The operation's deadline aborts with a TimeoutError, which the client tells apart
      // from a caller who left (UPSTREAM_TIMEOUT versus a cancelled call).
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout(operationTimeoutMs)]);
      const deadlineAt = Date.now() + operationTimeoutMs;
      const requestId = requestIdOf(request);
      return {
        client: deps.client,
        loaders: createLoaders(deps.client, { signal, deadlineAt, requestId }),
        now,
        logger: deps.logger,
        signal,
        deadlineAt,
        requestId,
      };
    },
  });
}

/**
 * GraphQL phase metrics from @graphql-yoga/plugin-prometheus, on the gateway's registry.
 * Labels that could carry unbounded values are off: error paths (list indexes), field
 * and type names, URLs.
 */
function prometheus(metrics: Metrics) {
  return usePrometheus({
    registry: metrics.registry,
    endpoint: '/metrics',
    metrics: {
      graphql_envelop_request_duration: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_error_result: true,
      graphql_yoga_http_duration: true,
    },
    labels: { operationName: false, operationType: true, fieldName: false, typeName: false, path: false, phase: true, url: false, method: true, statusCode: true },
  });
}
