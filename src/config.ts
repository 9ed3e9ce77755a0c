import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/**
 * Every environment variable the gateway reads, validated once at start-up.
 * The README's configuration table mirrors this schema.
 */
const EnvSchema = z
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
    /** Consecutive upstream failures that open the circuit breaker. */
    BREAKER_FAILURE_THRESHOLD: positiveInt.default(5),
    /** How long the circuit stays open before a probe, in milliseconds. */
    BREAKER_HALF_OPEN_AFTER_MS: positiveInt.default(5_000),
    /** On SIGTERM/SIGINT, how long in-flight operations may take to finish, in milliseconds. */
    SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
    /** Also serve the Federation v2 subgraph schema at /subgraph, for a supergraph router. */
    FEDERATION_SUBGRAPH: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
    /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces); tracing is off without it. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('ops-manager-invitations-gateway'),
    /** Port of the embedded simulator when no upstream is configured (0 picks a free one). */
    SIMULATOR_PORT: port.default(0),
  })
  .superRefine((env, ctx) => {
    const upstream = [env.OPS_MANAGER_BASE_URL, env.OPS_MANAGER_PUBLIC_KEY, env.OPS_MANAGER_PRIVATE_KEY];
    const given = upstream.filter((value) => value !== undefined).length;
    if (given > 0 && given < 3) {
      for (const name of ['OPS_MANAGER_BASE_URL', 'OPS_MANAGER_PUBLIC_KEY', 'OPS_MANAGER_PRIVATE_KEY'] as const) {
        if (env[name] === undefined) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'is required when any OPS_MANAGER_* variable is set' });
        }
      }
    }
    if (given === 0 && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['OPS_MANAGER_BASE_URL'],
        message: 'is required in production (the embedded simulator is for development only)',
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface UpstreamConfig {
  baseUrl: string;
  publicKey: string;
  privateKey: string;
}

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  /** Absent when the embedded simulator should be started. */
  upstream: UpstreamConfig | undefined;
  upstreamTimeoutMs: number;
  upstreamMaxInFlight: number;
  upstreamMaxRetries: number;
  operationTimeoutMs: number;
  breakerFailureThreshold: number;
  breakerHalfOpenAfterMs: number;
  shutdownGraceMs: number;
  federationSubgraph: boolean;
  /** Absent: tracing off. */
  tracing: { endpoint: string; serviceName: string } | undefined;
  simulatorPort: number;
}

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
  // An empty variable (FOO=) means "not set", as it does for most twelve-factor tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    upstream:
      e.OPS_MANAGER_BASE_URL && e.OPS_MANAGER_PUBLIC_KEY && e.OPS_MANAGER_PRIVATE_KEY
        ? { baseUrl: e.OPS_MANAGER_BASE_URL, publicKey: e.OPS_MANAGER_PUBLIC_KEY, privateKey: e.OPS_MANAGER_PRIVATE_KEY }
        : undefined,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamMaxInFlight: e.UPSTREAM_MAX_IN_FLIGHT,
    upstreamMaxRetries: e.UPSTREAM_MAX_RETRIES,
    operationTimeoutMs: e.OPERATION_TIMEOUT_MS,
    breakerFailureThreshold: e.BREAKER_FAILURE_THRESHOLD,
    breakerHalfOpenAfterMs: e.BREAKER_HALF_OPEN_AFTER_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    federationSubgraph: e.FEDERATION_SUBGRAPH,
    tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME } : undefined,
    simulatorPort: e.SIMULATOR_PORT,
  };
}
