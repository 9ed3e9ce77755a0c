import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { GraphQLError, type GraphQLSchema, type ValidationContext } from 'graphql';
import {
  createYoga,
  type Plugin,
  useExecutionCancellation,
  useReadinessCheck,
  type YogaServerInstance,
} from 'graphql-yoga';
import { authenticationPlugins, callerOf } from './auth/authentication.ts';
import type { ApiKey, Caller } from './auth/caller.ts';
import { callerIdentity } from './auth/identity.ts';
import { createChangeJournal, type AuditLog } from './changes/audit-log.ts';
import { useCompiledExecution } from './compiled-execution.ts';
import { type Clock, systemClock } from './clock.ts';
import type { SecurityConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { RequestErrorCode } from './errors/index.ts';
import type { GraphiQLTab } from './graphiql.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './observability/metrics.ts';
import { requestIdOf, useOperationObservability } from './observability/operation-plugin.ts';
import { useTracing } from './observability/tracing.ts';
import type { OpsManagerClient } from './ops-manager/client.ts';
import { operationDeadlines } from './operation-deadline.ts';
import { type IdempotencyOptions, useIdempotency } from './idempotency/plugin.ts';
import { parseIdempotencyKey } from './idempotency/key.ts';
import { UpstreamSession } from './ops-manager/session.ts';
import { schema } from './schema/index.ts';
import { useBodyLimit } from './security/body-limit.ts';
import { useRequestGuard } from './security/request-guard.ts';
import { rejectSubscriptions } from './security/no-subscriptions.ts';
import { useStableErrorCodes } from './plugins/use-stable-error-codes.ts';
import { loadTrustedDocuments, type TrustedDocuments, useTrustedDocuments } from './security/trusted-documents.ts';
import { useProjectCap } from './security/project-cap.ts';
import { type CallerBudgets, useRateLimit } from './security/rate-limit.ts';
import { useCompressedGraphiQL } from './plugins/use-compressed-graphiql.ts';

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
  /** Answers GET /readiness: 200 when true, 503 when false. @default always ready */
  isReady?: () => Promise<boolean>;
  /** Prometheus metrics, served at /metrics. @default none */
  metrics?: Metrics;
  /** Wrap requests in OpenTelemetry server spans (a provider must be registered). @default false */
  tracing?: boolean;
  /** Run operations on graphql-jit's compiled executor (compiled-execution.ts). @default true */
  compiledExecution?: boolean;
  /** The audit trail: one line per change attempt. @default none */
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
  const trustedDocuments =
    security.trustedDocuments === 'off'
      ? []
      : useTrustedDocuments(security.trustedDocuments, deps.trustedDocuments ?? loadTrustedDocuments());
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
          // an answer was replayed, and the request id to quote.
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
      // First: a body over the limit is refused before anything reads it.
      useBodyLimit(security.maxBodyBytes),
      useRequestGuard(),
      useOperationObservability({ logger: deps.logger, metrics: deps.metrics }),
      ...(deps.tracing ? [useTracing()] : []),
      // A browser cannot send a GET, or a "simple" POST, with a custom header without a CORS
      // preflight: requiring one (or a JSON content type) stops cross-site request forgery.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      ...authenticationPlugins(auth),
      // A document named by its id is looked up here; with TRUSTED_DOCUMENTS=require any other
      // is refused before it is parsed.
      ...trustedDocuments,
      ...hardening(security),
      // A caller over its budget is refused (429) before any Ops Manager call, and before the
      // idempotency plugin: a refused mutation claims no Idempotency-Key, so its retry runs.
      ...(deps.rateLimit ? [useRateLimit(deps.rateLimit)] : []),
      // A caller who goes away stops execution, and its signal aborts the upstream calls.
      useExecutionCancellation(),
      // The operation deadline's timer ends with the answer.
      deadlines.plugin,
      ...(graphiql ? [useCompressedGraphiQL()] : []),
      // Liveness (/health) stays cheap; readiness says whether Ops Manager can be used now.
      useReadinessCheck({ endpoint: '/readiness', check: () => isReady() }),
      ...(deps.metrics ? [prometheus(deps.metrics)] : []),
      ...(deps.idempotency ? [useIdempotency({ ...deps.idempotency, logger: deps.logger })] : []),
      useStableErrorCodes(),
      ...(deps.compiledExecution === false ? [] : useCompiledExecution({ logger: deps.logger, metrics: deps.metrics })),
    ],
    context: (initial) => {
      const caller: Caller = callerOf(auth, initial as never);
      const client = caller.apiKey && deps.clientFor ? deps.clientFor(caller.apiKey) : deps.client;
      const { signal, deadlineAt } = deadlines.start(initial.request);
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

/**
 * Limits on what one document may ask (graphql-armor), sized so that every documented
 * operation passes with room to spare: the 30-alias batching example, the deepest
 * mutation-then-read example, GraphiQL's introspection. Limit values are never echoed in
 * errors, and field suggestions ("did you mean ...") are hidden in production.
 */
function hardening(security: SecurityConfig): Plugin[] {
  // Validation-rule protections report a validation error (400 with a code) instead of
  // throwing from inside validation, which would surface as an uncoded error.
  const report = {
    exposeLimits: false,
    errorMessage: TOO_COMPLEX,
    propagateOnRejection: false,
    onReject: [reportRejection],
  };
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: 10, ignoreIntrospection: true, ...report },
    maxAliases: { n: 50, ...report },
    maxTokens: { n: 3_000, exposeLimits: false, errorMessage: TOO_COMPLEX },
    maxDirectives: { n: 20, ...report },
    costLimit: { maxCost: 5_000, ignoreIntrospection: true, ...report },
    blockFieldSuggestion: { enabled: security.production },
  });
  return [
    armor as unknown as Plugin,
    rejectSubscriptions(),
    useProjectCap(security.maxProjectsPerOperation),
    ...(security.introspection ? [] : [useDisableIntrospection() as Plugin]),
  ];
}

const TOO_COMPLEX = 'This operation is too large or too complex for this API.';

function reportRejection(context: ValidationContext | null): void {
  context?.reportError(
    new GraphQLError(TOO_COMPLEX, { extensions: { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED } }),
  );
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
    // The plugin turns on every metric it knows unless told otherwise; list them all, so that
    // only these six cost anything. The deprecated-field counter alone walks each document with
    // a TypeInfo on every request, and the request-time summary keeps t-digests.
    metrics: {
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
      graphql_envelop_request_duration: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_error_result: true,
      graphql_yoga_http_duration: true,
    },
    labels: {
      operationName: false,
      operationType: true,
      fieldName: false,
      typeName: false,
      path: false,
      phase: true,
      url: false,
      method: true,
      statusCode: true,
    },
  });
}
