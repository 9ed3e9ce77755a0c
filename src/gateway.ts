import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, useExecutionCancellation, type YogaServerInstance } from 'graphql-yoga';
import { callerOf } from './auth/authentication.ts';
import type { ApiKey, Caller } from './auth/caller.ts';
import { callerIdentity } from './auth/identity.ts';
import { type AuditLog, createChangeJournal } from './changes/audit-log.ts';
import { type Clock, systemClock } from './clock.ts';
import type { SecurityConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import type { GraphiQLTab } from './graphiql.ts';
import { parseIdempotencyKey } from './idempotency/key.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { OpsManagerClient } from './ops-manager/client.ts';
import { UpstreamSession } from './ops-manager/session.ts';
import { type CallerConnection, operationDeadlines } from './operation-deadline.ts';
import { useAuthentication } from './plugins/use-authentication.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useCompiledExecution } from './plugins/use-compiled-execution.ts';
import { useCompressedGraphiQL } from './plugins/use-compressed-graphiql.ts';
import { type IdempotencyOptions, useIdempotency } from './plugins/use-idempotency.ts';
import { useNoSubscriptions } from './plugins/use-no-subscriptions.ts';
import { requestIdOf, useOperationObservability } from './plugins/use-operation-observability.ts';
import { useOperationDeadline } from './plugins/use-operation-deadline.ts';
import { useOperationLimits } from './plugins/use-operation-limits.ts';
import { useProjectCap } from './plugins/use-project-cap.ts';
import { useReadiness } from './plugins/use-readiness.ts';
import { usePrometheusMetrics } from './plugins/use-prometheus-metrics.ts';
import { useRateLimit } from './plugins/use-rate-limit.ts';
import { useRequestGuard } from './plugins/use-request-guard.ts';
import { useStableErrorCodes } from './plugins/use-stable-error-codes.ts';
import { useTracing } from './plugins/use-tracing.ts';
import { useTrustedDocuments } from './plugins/use-trusted-documents.ts';
import { schema } from './schema/index.ts';
import type { CallerBudgets } from './security/rate-limit.ts';
import { loadTrustedDocuments, type TrustedDocuments } from './security/trusted-documents.ts';

export interface GatewayDeps {
  client: OpsManagerClient;
  logger: Logger;
  /** Passthrough mode: the client speaking with a caller's own API key. */
  clientFor?: (apiKey: ApiKey) => OpsManagerClient;
  /** Who may call and the hardening limits (config.ts, the one place their defaults are written). */
  security: SecurityConfig;
  /**
   * The clock: invitation expiry and the operation deadline. The same one the upstream's retries
   * compare that deadline with (createUpstream's `clock`); tests pin it. @default systemClock
   */
  clock?: Clock;
  /** Serve GraphiQL on GET /graphql. @default security.graphiql */
  graphiql?: boolean;
  /** The operation GraphiQL opens with, and that a new tab starts with. */
  graphiqlDefaultQuery?: string;
  /** The tabs GraphiQL opens with (when the browser has none saved). @default one tab of graphiqlDefaultQuery */
  graphiqlDefaultTabs?: GraphiQLTab[];
  /** The schema to serve (the federation subgraph schema, say). @default the plain schema */
  schema?: GraphQLSchema;
  /** @default '/graphql' */
  graphqlEndpoint?: string;
  /** Deadline of one GraphQL operation in ms: its upstream calls are aborted then (OPERATION_TIMEOUT_MS). */
  operationTimeoutMs: number;
  /** Responds to GET /readiness: 200 when true, 503 when false. @default always ready */
  isReady?: () => Promise<boolean>;
  /** Prometheus metrics, served at /metrics. @default none */
  metrics?: Metrics;
  /** Wrap requests in OpenTelemetry server spans (a provider must be registered). @default false */
  tracing?: boolean;
  /** Run operations on graphql-jit's compiled executor (compiled-execution.ts). @default true */
  compiledExecution?: boolean;
  /** The audit trail: one line per mutation attempt. @default none */
  audit?: AuditLog;
  /** Idempotency keys for mutations (the `Idempotency-Key` header). @default keys are ignored */
  idempotency?: Omit<IdempotencyOptions, 'logger'>;
  /** The trusted documents, id → text. @default the client package's persisted-documents.json, read once here */
  trustedDocuments?: TrustedDocuments;
  /** Per-caller budgets of queries and mutations (security/rate-limit.ts). @default no limit */
  rateLimit?: CallerBudgets;
}

export type Gateway = YogaServerInstance<Record<string, never>, GatewayContext>;

/**
 * Builds the GraphQL server: schema, authentication, hardening, per-operation context,
 * GraphiQL, logging and metrics. It neither reads the environment nor listens: createApp (app.ts)
 * builds it from the configuration, and server.ts or a test puts it behind a socket.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const { security, operationTimeoutMs } = deps;
  const clock = deps.clock ?? systemClock;
  const isReady = deps.isReady ?? (async () => true);
  const auth = { mode: security.authMode, jwt: security.jwt };
  const graphiql = deps.graphiql ?? security.graphiql;
  let graphiqlPage: Promise<string> | undefined;
  const deadlines = operationDeadlines({ clock, timeoutMs: operationTimeoutMs });
  return createYoga<Record<string, never>, GatewayContext>({
    schema: deps.schema ?? schema,
    graphqlEndpoint: deps.graphqlEndpoint ?? '/graphql',
    healthCheckEndpoint: '/health',
    // useBodyLimit (below) enforces MAX_BODY_BYTES; Yoga's own limit would stream every body
    // through a second check.
    maxRequestBodySize: false,
    landingPage: false,
    // Expected failures are GraphQLErrors with a code and pass through; anything else
    // (a bug, a library error) is masked, in every environment: no stack trace or upstream
    // detail reaches a client. The logs have them.
    maskedErrors: { isDev: false },
    cors: security.corsOrigins.length
      ? {
          origin: security.corsOrigins,
          credentials: true,
          methods: ['GET', 'POST'],
          // The typed client sends Idempotency-Key with every mutation; a browser app reads whether
          // a response was replayed, and the request id to quote.
          allowedHeaders: ['content-type', 'authorization', 'x-request-id', 'x-graphql-yoga-csrf', 'idempotency-key'],
          exposedHeaders: ['idempotent-replayed', 'x-request-id'],
        }
      : false,
    graphiql: !graphiql
      ? false
      : {
          title: 'Ops Manager invitations',
          defaultQuery: deps.graphiqlDefaultQuery,
          defaultTabs: deps.graphiqlDefaultTabs,
        },
    // GraphiQL's page with its scripts, styles and editor workers inlined: Yoga's default page
    // loads them from a CDN, which a machine without internet access cannot reach. The module
    // (most of the page's size) is imported on the first GET of GraphiQL only, and the page, whose
    // options never change for this instance, is rendered once.
    renderGraphiQL: (options) =>
      (graphiqlPage ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options))),
    logging: {
      debug: (...args) => deps.logger.debug({ args }, 'yoga'),
      info: (...args) => deps.logger.info({ args }, 'yoga'),
      warn: (...args) => deps.logger.warn({ args }, 'yoga'),
      error: (...args) => deps.logger.error({ err: args[0] }, 'yoga error'),
    },
    // One plugin per entry, in the order they run; `when` leaves out those a deployment turned off.
    plugins: [
      // First: a body over the limit is refused before anything reads it.
      useBodyLimit(security.maxBodyBytes),
      useRequestGuard(),
      useOperationObservability({ logger: deps.logger, metrics: deps.metrics }),
      when(deps.tracing, useTracing),
      // A browser cannot send a GET, or a "simple" POST, with a custom header without a CORS
      // preflight: requiring one (or a JSON content type) stops cross-site request forgery.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useAuthentication(auth),
      // A document named by its id is looked up here; with TRUSTED_DOCUMENTS=require any other
      // is refused before it is parsed.
      when(security.trustedDocuments !== 'off', () =>
        useTrustedDocuments(security.trustedDocuments, deps.trustedDocuments ?? loadTrustedDocuments()),
      ),
      useOperationLimits({ hideSuggestions: security.production }),
      useNoSubscriptions(),
      useProjectCap(security.maxProjectsPerOperation),
      when(!security.introspection, () => useDisableIntrospection() as Plugin),
      // A caller over its budget is refused (429) before any Ops Manager call, and before the
      // idempotency plugin: a refused mutation claims no Idempotency-Key, so its retry runs.
      when(deps.rateLimit, (budgets) => useRateLimit(budgets)),
      // A caller who goes away stops execution, and its signal aborts the upstream calls.
      useExecutionCancellation(),
      // The operation deadline's timer ends with the response.
      useOperationDeadline(deadlines),
      when(graphiql, useCompressedGraphiQL),
      // Liveness (/health) stays cheap; readiness says whether Ops Manager can be used now.
      useReadiness({ endpoint: '/readiness', isReady }),
      when(deps.metrics, usePrometheusMetrics),
      when(deps.idempotency, (idempotency) => useIdempotency({ ...idempotency, logger: deps.logger })),
      useStableErrorCodes(),
      when(deps.compiledExecution !== false, () =>
        useCompiledExecution({ logger: deps.logger, metrics: deps.metrics }),
      ),
    ],
    context: (initial) => {
      const caller: Caller = callerOf(auth, initial as never);
      const client = caller.apiKey && deps.clientFor ? deps.clientFor(caller.apiKey) : deps.client;
      // `res`: the Node response, when the request came through node:http (operation-deadline.ts says why).
      const { signal, deadlineAt } = deadlines.start(initial.request, (initial as { res?: CallerConnection }).res);
      const requestId = requestIdOf(initial.request);
      return {
        upstream: new UpstreamSession(client, { signal, deadlineAt, requestId, caller: callerIdentity(caller).key }),
        clock,
        logger: deps.logger,
        requestId,
        caller,
        limits: { projectIds: security.maxProjectsPerOperation },
        changes: createChangeJournal({
          audit: deps.audit,
          caller,
          requestId,
          idempotencyKey: () => {
            const header = parseIdempotencyKey(initial.request.headers.get('idempotency-key'));
            return header.kind === 'key' ? header.key : undefined;
          },
        }),
      };
    },
  });
}

/** The plugin `make` builds from `value` when `value` is set (and not false); else one that does nothing. */
function when<T, Context extends object>(
  value: T | false | undefined,
  make: (value: T) => Plugin<Context>,
): Plugin<Context> {
  return value === undefined || value === false ? {} : make(value);
}
