import { z } from 'zod';
import type { AuditDestination } from './changes/audit-log.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** FEDERATION_NAMESPACE's default, exported for the checked-in subgraph.graphql, printed with it. */
export const DEFAULT_FEDERATION_NAMESPACE = 'OpsManager';

/**
 * Every environment variable the gateway reads, validated once at start-up.
 * docs/configuration.md's table mirrors this schema (a docs test checks it).
 */
const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Port of the GraphQL endpoint. */
    PORT: port.default(4000),
    /** Interface to listen on; 0.0.0.0 in containers. */
    HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** The API's base URL as Ops Manager's docs write it, e.g. https://opsmanager.example.com:8080/api/public/v1.0 */
    OPS_MANAGER_BASE_URL: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .refine((url) => url.endsWith('/api/public/v1.0'), 'must end with /api/public/v1.0')
      .optional(),
    OPS_MANAGER_PUBLIC_KEY: z.string().min(1).optional(),
    OPS_MANAGER_PRIVATE_KEY: z.string().min(1).optional(),
    /** Timeout of one upstream HTTP call, in milliseconds. */
    UPSTREAM_TIMEOUT_MS: positiveInt.default(10_000),
    /** Upstream requests in flight at once, per process; the keep-alive pool has as many connections. */
    UPSTREAM_MAX_IN_FLIGHT: positiveInt.max(1024).default(32),
    /** Deadline of one GraphQL operation, in milliseconds. */
    OPERATION_TIMEOUT_MS: positiveInt.default(15_000),
    /** Retries of a failed read (GET) on 5xx, 429 and connection errors. */
    UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    /** Request deduplication: concurrent identical reads (same project, same credentials) share one GET in flight; false: each sends its own. */
    UPSTREAM_COALESCE_READS: flag.default(true),
    /** Consecutive upstream failures that open the circuit breaker. */
    BREAKER_FAILURE_THRESHOLD: positiveInt.default(5),
    /** How long the circuit stays open before a probe, in milliseconds. */
    BREAKER_HALF_OPEN_AFTER_MS: positiveInt.default(5_000),
    /**
     * On SIGTERM, how long the gateway keeps accepting and responding (with `Connection: close`,
     * /readiness 503) before it stops accepting, in milliseconds. A load balancer or Kubernetes
     * keeps sending new connections for a moment after a replica is told to stop: endpoint
     * removal reaches kube-proxy and ingress controllers within a second or two, health checks
     * after interval × failures. 0: no drain.
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(5_000),
    /** After the drain (or on SIGINT), how long in-flight operations may take to finish, in milliseconds. */
    SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
    /** Also serve the Federation v2 subgraph schema at /subgraph, for a supergraph router. */
    FEDERATION_SUBGRAPH: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    /** The scalar the subgraph keys `Project` by: the company graph's `Project.id` type (ID or String). */
    FEDERATION_PROJECT_ID_TYPE: z.enum(['ID', 'String']).default('ID'),
    /**
     * The prefix of every name the subgraph adds to a supergraph (types, mutations), so that none
     * collides with a company graph's own `Error`, `Invitation`, `createInvitation`…; empty: off.
     */
    FEDERATION_NAMESPACE: z
      .string()
      .regex(
        /^([A-Z][A-Za-z0-9]{0,31})?$/,
        'must be empty or a GraphQL name starting with an upper-case letter, letters and digits only, e.g. OpsManager',
      )
      .default(DEFAULT_FEDERATION_NAMESPACE),
    /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces); tracing is off without it. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('ops-manager-invitations-gateway'),
    /** Who may call: jwt (bearer tokens), passthrough (callers bring their own Ops Manager key), none. */
    AUTH_MODE: z.enum(['jwt', 'passthrough', 'none']).default('none'),
    /** With AUTH_MODE=none and a real upstream outside production: the explicit opt-in. */
    ALLOW_UNAUTHENTICATED: flag.default(false),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a strong secret)').optional(),
    JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    /** Accepted signing algorithms; `none` is never accepted. */
    JWT_ALGORITHMS: list
      .pipe(
        z
          .array(
            z.enum([
              'HS256',
              'HS384',
              'HS512',
              'RS256',
              'RS384',
              'RS512',
              'ES256',
              'ES384',
              'ES512',
              'PS256',
              'PS384',
              'PS512',
            ]),
          )
          .min(1),
      )
      .optional(),
    JWT_READ_SCOPE: z.string().min(1).default('invitations:read'),
    JWT_WRITE_SCOPE: z.string().min(1).default('invitations:write'),
    /** A claim listing the project ids a caller may touch (absent: any project). */
    JWT_PROJECTS_CLAIM: z.string().min(1).optional(),
    /** Passthrough mode: Digest sessions kept, one per caller API key (least recently used go first). */
    PASSTHROUGH_MAX_SESSIONS: positiveInt.default(1_000),
    /** Browser origins allowed by CORS, comma-separated; none by default. */
    CORS_ORIGINS: list.default([]),
    /** Largest request body accepted, in bytes. */
    MAX_BODY_BYTES: positiveInt.default(100_000),
    /** Distinct projects one operation may name, checked before any upstream call. */
    MAX_PROJECTS_PER_OPERATION: positiveInt.max(10_000).default(100),
    /** Serve GraphiQL at GET /graphql (default: on except in production). */
    GRAPHIQL: flag.optional(),
    /** Respond to introspection queries (default: on except in production). */
    INTROSPECTION: flag.optional(),
    /**
     * Trusted documents: off (documents only), allow (ids of the client package's documents, or
     * any document), require (those ids only). `allow` in every environment: require refuses
     * every caller not built with the client package (scripts, other services, GraphiQL), so it
     * is turned on by a deployment whose callers all send ids.
     */
    TRUSTED_DOCUMENTS: z.enum(['off', 'allow', 'require']).default('allow'),
    /** Port of the embedded simulator when no upstream is configured (0 picks a free one). */
    SIMULATOR_PORT: port.default(0),
    /** The audit trail of mutation attempts: stdout, off, or a file path (appended to). */
    AUDIT_LOG: z.string().min(1).default('stdout'),
    /** Redis URL for idempotency keys shared by every replica (redis:// or rediss://); in memory without it. */
    IDEMPOTENCY_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /** How long a mutation's response is kept for its Idempotency-Key, in seconds. */
    IDEMPOTENCY_WINDOW_SECONDS: positiveInt.max(30 * 24 * 3600).default(24 * 3600),
    /** Redis shared by replicas for rate-limit budgets and Ops Manager's 429 pauses (and idempotency keys unless IDEMPOTENCY_REDIS_URL says otherwise). */
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    /**
     * Queries one caller may run per minute (0: no limit). 600 (10 a second, sustained for a
     * minute) is far above what a person in an app does and what a well-behaved script needs,
     * and well below what one caller would need to fill the in-flight cap for minutes on end.
     */
    RATE_LIMIT_READS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    /**
     * Mutations one caller may run per minute (0: no limit). 60: each one is an Ops Manager write
     * (and an email to a person); Atlas limits some resources to 100 calls a minute per project.
     */
    RATE_LIMIT_MUTATIONS_PER_MINUTE: z.coerce.number().int().min(0).default(60),
    /** Calls waiting for the in-flight cap are served in turn across callers; false: first come, first served. */
    UPSTREAM_FAIR_QUEUE: flag.default(true),
  })
  .superRefine((env, ctx) => {
    const issue = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message });
    // In passthrough mode callers bring the keys; otherwise the three go together.
    const needed =
      env.AUTH_MODE === 'passthrough'
        ? (['OPS_MANAGER_BASE_URL'] as const)
        : (['OPS_MANAGER_BASE_URL', 'OPS_MANAGER_PUBLIC_KEY', 'OPS_MANAGER_PRIVATE_KEY'] as const);
    const given = needed.filter((name) => env[name] !== undefined).length;
    if (given > 0 && given < needed.length) {
      for (const name of needed)
        if (env[name] === undefined) issue(name, 'is required when any OPS_MANAGER_* variable is set');
    }
    const realUpstream = env.OPS_MANAGER_BASE_URL !== undefined;
    if (env.AUTH_MODE === 'jwt') {
      if ((env.JWT_SECRET === undefined) === (env.JWT_JWKS_URL === undefined))
        issue('JWT_SECRET', 'or JWT_JWKS_URL (exactly one) is required with AUTH_MODE=jwt');
      if (env.JWT_ISSUER === undefined) issue('JWT_ISSUER', 'is required with AUTH_MODE=jwt');
      if (env.JWT_AUDIENCE === undefined) issue('JWT_AUDIENCE', 'is required with AUTH_MODE=jwt');
      const symmetric = env.JWT_ALGORITHMS?.some((algorithm) => algorithm.startsWith('HS'));
      const asymmetric = env.JWT_ALGORITHMS?.some((algorithm) => !algorithm.startsWith('HS'));
      // Mixing them is the classic algorithm-confusion hole: a public key used as an HMAC secret.
      if (env.JWT_SECRET && asymmetric) issue('JWT_ALGORITHMS', 'must be HS* algorithms with JWT_SECRET');
      if (env.JWT_JWKS_URL && symmetric) issue('JWT_ALGORITHMS', 'must not contain HS* algorithms with JWT_JWKS_URL');
    }
    if (env.AUTH_MODE === 'none' && realUpstream) {
      if (env.NODE_ENV === 'production')
        issue('AUTH_MODE', 'none is refused with a real upstream in production: use jwt or passthrough');
      else if (!env.ALLOW_UNAUTHENTICATED)
        issue(
          'AUTH_MODE',
          'none with a real upstream needs ALLOW_UNAUTHENTICATED=true (anyone reaching the gateway acts with its API key)',
        );
    }
    if (env.GRAPHIQL === true && env.TRUSTED_DOCUMENTS === 'require') {
      issue(
        'GRAPHIQL',
        'true needs TRUSTED_DOCUMENTS=allow or off: with require, every document GraphiQL sends is refused',
      );
    }
    if (!realUpstream && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['OPS_MANAGER_BASE_URL'],
        message: 'is required in production (the embedded simulator is for development only)',
      });
    }
  })
  // The shape the configuration's users take: defaults that depend on another variable are set here.
  .transform((e) => ({
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    /** Absent when the embedded simulator should be started. */
    upstream: e.OPS_MANAGER_BASE_URL
      ? {
          baseUrl: e.OPS_MANAGER_BASE_URL,
          // Empty in passthrough mode, where callers bring their keys.
          publicKey: e.OPS_MANAGER_PUBLIC_KEY ?? '',
          privateKey: e.OPS_MANAGER_PRIVATE_KEY ?? '',
        }
      : undefined,
    /** How the gateway calls Ops Manager: createUpstream's options. */
    upstreamCalls: {
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      maxInFlight: e.UPSTREAM_MAX_IN_FLIGHT,
      retry: { maxRetries: e.UPSTREAM_MAX_RETRIES },
      breaker: { failureThreshold: e.BREAKER_FAILURE_THRESHOLD, halfOpenAfterMs: e.BREAKER_HALF_OPEN_AFTER_MS },
      /** Passthrough mode: Digest sessions kept, one per caller API key. */
      maxSessions: e.PASSTHROUGH_MAX_SESSIONS,
      coalesceReads: e.UPSTREAM_COALESCE_READS,
      fairQueue: e.UPSTREAM_FAIR_QUEUE,
    },
    /** Who may call and the hardening limits: createGateway's `security`. */
    security: {
      authMode: e.AUTH_MODE,
      jwt:
        e.AUTH_MODE === 'jwt'
          ? {
              secret: e.JWT_SECRET,
              jwksUrl: e.JWT_JWKS_URL,
              // superRefine above made both required in jwt mode.
              issuer: e.JWT_ISSUER ?? '',
              audience: e.JWT_AUDIENCE ?? '',
              algorithms: (e.JWT_ALGORITHMS ?? (e.JWT_SECRET ? ['HS256'] : ['RS256', 'ES256'])) as string[],
              readScope: e.JWT_READ_SCOPE,
              writeScope: e.JWT_WRITE_SCOPE,
              projectsClaim: e.JWT_PROJECTS_CLAIM,
            }
          : undefined,
      corsOrigins: e.CORS_ORIGINS,
      /** Which documents are accepted: by trusted id only (require), by id or text (allow), by text only (off). */
      trustedDocuments: e.TRUSTED_DOCUMENTS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxProjectsPerOperation: e.MAX_PROJECTS_PER_OPERATION,
      graphiql: e.GRAPHIQL ?? (e.NODE_ENV !== 'production' && e.TRUSTED_DOCUMENTS !== 'require'),
      introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
      /** Production: field suggestions hidden. */
      production: e.NODE_ENV === 'production',
    },
    operationTimeoutMs: e.OPERATION_TIMEOUT_MS,
    /** SIGTERM: accept and respond this long after /readiness turned 503; the whole shutdown is bounded by drain + grace. */
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    federationSubgraph: e.FEDERATION_SUBGRAPH,
    /** The subgraph's `Project.id` type; the plain API keeps ObjectID. */
    federationProjectIdType: e.FEDERATION_PROJECT_ID_TYPE,
    /** The subgraph's names' prefix; '' when off. The plain API is never namespaced. */
    federationNamespace: e.FEDERATION_NAMESPACE,
    /** Absent: tracing off. */
    tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME }
      : undefined,
    simulatorPort: e.SIMULATOR_PORT,
    audit: (e.AUDIT_LOG === 'stdout' || e.AUDIT_LOG === 'off'
      ? e.AUDIT_LOG
      : { file: e.AUDIT_LOG }) as AuditDestination,
    // One Redis serves both unless each is named: REDIS_URL alone, or IDEMPOTENCY_REDIS_URL alone (as before), is enough.
    idempotency: { redisUrl: e.IDEMPOTENCY_REDIS_URL ?? e.REDIS_URL, windowMs: e.IDEMPOTENCY_WINDOW_SECONDS * 1000 },
    /** Per-caller budgets, and where replicas share them and Ops Manager's 429 pauses. */
    fairShare: {
      redisUrl: e.REDIS_URL ?? e.IDEMPOTENCY_REDIS_URL,
      readsPerMinute: e.RATE_LIMIT_READS_PER_MINUTE,
      mutationsPerMinute: e.RATE_LIMIT_MUTATIONS_PER_MINUTE,
    },
  }));

/** The configuration, in the shape its users take: the output of the schema, written nowhere else. */
export type Config = z.output<typeof ConfigSchema>;
export type SecurityConfig = Config['security'];
export type JwtConfig = NonNullable<SecurityConfig['jwt']>;
export type UpstreamConfig = NonNullable<Config['upstream']>;

/** Every variable read, for the docs' checks (docs/configuration.md's table, .env.example). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(ConfigSchema.in.shape);

/** Variables for which an empty value means something, not "unset". */
const EMPTY_IS_A_VALUE = new Set(['FEDERATION_NAMESPACE']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from an environment (process.env in production, a literal in tests).
 * A bad value throws a ConfigError with one line per problem, naming the variable;
 * values are never echoed, as some of them are secrets.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable (FOO=) means "not set", as it does for most twelve-factor tools, except
  // where empty is a value of its own (FEDERATION_NAMESPACE= turns the namespace off).
  const present = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => value !== undefined && (value !== '' || EMPTY_IS_A_VALUE.has(name))),
  );
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  return parsed.data;
}
