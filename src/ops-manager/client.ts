import pLimit, { type LimitFunction } from 'p-limit';
import type { z } from 'zod';
import { BASIC_CHALLENGE } from '../auth/caller.ts';
import { ErrorCode, GatewayError, OutcomeUnknownError, UnauthenticatedError, UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  DeleteBodySchema,
  type Invitation,
  InvitationBodySchema,
  InvitationListBodySchema,
  type ProjectRole,
  toInvitation,
} from './schemas.ts';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracer } from '../observability/tracing.ts';
import { countingRoundTrips } from './round-trips.ts';
import { type Clock, defaultRetryPolicy, type RetryPolicy, retryDelay, systemClock, UpstreamBreaker } from './resilience.ts';
import { abortedBeforeSending, isDeadline, transportError } from './transport-errors.ts';
import { errorFromResponse, type UpstreamResource } from './upstream-errors.ts';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface OpsManagerClientOptions {
  /** The API's base URL, ending in /api/public/v1.0. */
  baseUrl: string;
  /** A fetch that authenticates (the Digest client's); injected so tests can count and fake. */
  fetch: FetchLike;
  logger: Logger;
  /** Timeout of one HTTP call in ms. @default 10000 */
  timeoutMs?: number;
  /** Requests in flight at once through this client (the process-wide cap). @default 32 */
  maxInFlight?: number;
  /** Retries of failed calls. @default defaultRetryPolicy */
  retry?: Partial<RetryPolicy>;
  /** The circuit breaker of this upstream. @default 5 failures, 5 s open */
  breaker?: { failureThreshold?: number; halfOpenAfterMs?: number };
  /** @default systemClock */
  clock?: Clock;
  /** Told of every attempt, retry and loader batch (metrics). */
  observer?: UpstreamObserver;
}

/** Hooks for metrics; each is optional and must not throw. */
export interface UpstreamObserver {
  /** One HTTP-level attempt ended; `status` is the HTTP status, or 'network' / 'timeout'. */
  attempt?(event: { method: string; route: string; status: string; durationMs: number }): void;
  /** A failed call is about to be tried again. */
  retry?(event: { method: string; route: string; code: string }): void;
  /** A loader asked for this many projects at once. */
  batch?(size: number): void;
}

/** What one logical call cost, for its log line. */
interface CallRecord {
  attempts: number;
  retries: number;
  roundTrips: number;
  status: number | undefined;
}

export interface CallOptions {
  /** The operation's signal: a caller who leaves, or the operation deadline, aborts its calls. */
  signal?: AbortSignal | undefined;
  /** When the operation must have answered (ms since epoch); no retry waits past it. */
  deadlineAt?: number | undefined;
  /** The operation's request id, for the log line. */
  requestId?: string | undefined;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The route as Ops Manager documents it, for logs and metrics (no ids in it). */
  route: string;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  resource: UpstreamResource;
  /** How to read a 2xx body. */
  schema: z.ZodType<T>;
  /** A 2xx with no body at all is the answer (DELETE's 204). */
  allowEmptyBody?: boolean;
}

/**
 * The six project-invitation calls of the Ops Manager public API v1.0. Every call gets
 * JSON in and out, a timeout, a slot under the in-flight cap, and one error mapping
 * (errorFromResponse). Bodies are read once and validated with zod at this edge, so
 * the code past it can trust the Invitation type.
 */
export class OpsManagerClient {
  readonly baseUrl: string;
  private readonly host: string;
  private readonly fetch: FetchLike;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly limit: LimitFunction;
  private readonly retryPolicy: RetryPolicy;
  private readonly clock: Clock;
  readonly breaker: UpstreamBreaker;
  readonly observer: UpstreamObserver;
  private readonly callerCredentials: boolean = false;

  constructor(options: OpsManagerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.host = new URL(this.baseUrl).host;
    this.fetch = options.fetch;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.limit = pLimit(options.maxInFlight ?? 32);
    this.retryPolicy = { ...defaultRetryPolicy, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.observer = options.observer ?? {};
    this.breaker = new UpstreamBreaker({
      failureThreshold: options.breaker?.failureThreshold ?? 5,
      halfOpenAfterMs: options.breaker?.halfOpenAfterMs ?? 5_000,
      logger: options.logger,
    });
  }

  /**
   * The same client (one in-flight cap, one breaker, one observer) speaking through another
   * authenticating fetch: passthrough mode gives each caller's API key its own Digest session.
   */
  withFetch(fetch: FetchLike): OpsManagerClient {
    const view = Object.create(this) as OpsManagerClient;
    Object.defineProperty(view, 'fetch', { value: fetch });
    // The key is the caller's: Ops Manager refusing it means the caller is not authenticated.
    Object.defineProperty(view, 'callerCredentials', { value: true });
    return view;
  }

  /** Requests waiting for a slot under the in-flight cap, and those holding one. */
  get load(): { active: number; pending: number } {
    return { active: this.limit.activeCount, pending: this.limit.pendingCount };
  }

  /** GET /groups/{GROUP-ID}/invites[?username=]: all pending invitations of a project. */
  async listInvitations(projectId: string, options: CallOptions & { username?: string } = {}): Promise<Invitation[]> {
    const list = await this.request(
      {
        method: 'GET',
        route: '/groups/{GROUP-ID}/invites',
        path: `/groups/${projectId}/invites`,
        query: { username: options.username },
        resource: 'project',
        schema: InvitationListBodySchema,
      },
      options,
    );
    return list.map(toInvitation);
  }

  /** GET /groups/{GROUP-ID}/invites/{INVITATION-ID} */
  getInvitation(projectId: string, invitationId: string, options: CallOptions = {}): Promise<Invitation> {
    return this.invitationCall(
      { method: 'GET', route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}', path: `/groups/${projectId}/invites/${invitationId}`, resource: 'invitation' },
      options,
    );
  }

  /** POST /groups/{GROUP-ID}/invites */
  createInvitation(projectId: string, input: { username: string; roles: readonly ProjectRole[] }, options: CallOptions = {}): Promise<Invitation> {
    return this.invitationCall(
      {
        method: 'POST',
        route: '/groups/{GROUP-ID}/invites',
        path: `/groups/${projectId}/invites`,
        body: { roles: input.roles, username: input.username },
        resource: 'project',
      },
      options,
    );
  }

  /** PATCH /groups/{GROUP-ID}/invites/{INVITATION-ID}: replaces all roles of the invitation. */
  updateInvitationRoles(projectId: string, invitationId: string, roles: readonly ProjectRole[], options: CallOptions = {}): Promise<Invitation> {
    return this.invitationCall(
      {
        method: 'PATCH',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        path: `/groups/${projectId}/invites/${invitationId}`,
        body: { roles },
        resource: 'invitation',
      },
      options,
    );
  }

  /** PATCH /groups/{GROUP-ID}/invites with a username (the Cloud Manager form): replaces all roles. */
  updateInvitationRolesByUsername(projectId: string, username: string, roles: readonly ProjectRole[], options: CallOptions = {}): Promise<Invitation> {
    return this.invitationCall(
      { method: 'PATCH', route: '/groups/{GROUP-ID}/invites', path: `/groups/${projectId}/invites`, body: { roles, username }, resource: 'invitation' },
      options,
    );
  }

  /** DELETE /groups/{GROUP-ID}/invites/{INVITATION-ID}: 204, or an empty JSON object. */
  async deleteInvitation(projectId: string, invitationId: string, options: CallOptions = {}): Promise<void> {
    await this.request(
      {
        method: 'DELETE',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        path: `/groups/${projectId}/invites/${invitationId}`,
        resource: 'invitation',
        schema: DeleteBodySchema,
        allowEmptyBody: true,
      },
      options,
    );
  }

  /** A call whose answer is one invitation. */
  private async invitationCall(spec: Omit<RequestSpec<unknown>, 'schema'>, options: CallOptions): Promise<Invitation> {
    return toInvitation(await this.request({ ...spec, schema: InvitationBodySchema }, options));
  }

  /**
   * One logical call: attempts under the breaker, each holding a slot of the in-flight
   * cap only while it is on the wire (a backoff wait frees it), retried per retryDelay.
   * It logs one line: method, route template, status, duration, retries, round trips.
   */
  private async request<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    const record: CallRecord = { attempts: 0, retries: 0, roundTrips: 0, status: undefined };
    const started = performance.now();
    const line = () => ({
      requestId: options.requestId,
      method: spec.method,
      route: spec.route,
      status: record.status,
      durationMs: elapsed(started),
      retries: record.retries,
      roundTrips: record.roundTrips,
    });
    return tracer.startActiveSpan(
      `Ops Manager ${spec.method} ${spec.route}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': spec.method, 'url.template': spec.route, 'server.address': this.host } },
      async (span) => {
        try {
          const value = await countingRoundTrips(record, () => this.retrying(spec, options, record));
          this.logger.info(line(), 'upstream call');
          return value;
        } catch (error) {
          const { code, upstreamErrorCode } = error as GatewayError;
          this.logger.warn({ ...line(), code, upstreamErrorCode }, 'upstream call failed');
          span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          if (this.callerCredentials && code === ErrorCode.UPSTREAM_UNAUTHENTICATED) {
            throw new UnauthenticatedError('Ops Manager rejected your API key.', BASIC_CHALLENGE);
          }
          throw error;
        } finally {
          span.setAttributes({ 'gateway.retries': record.retries, 'gateway.round_trips': record.roundTrips });
          if (record.status !== undefined) span.setAttribute('http.response.status_code', record.status);
          span.end();
        }
      },
    );
  }

  private async retrying<T>(spec: RequestSpec<T>, options: CallOptions, record: CallRecord): Promise<T> {
    const idempotent = spec.method === 'GET';
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.limit(() =>
          this.breaker.run(() => this.send(spec, options, record), (error) => this.isUnavailability(error, options)),
        );
      } catch (error) {
        const failure = error instanceof GatewayError ? error : new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager call failed.', { cause: error });
        const delay = retryDelay(failure, { attempt, idempotent, now: this.clock.now(), deadlineAt: options.deadlineAt, random: this.clock.random() }, this.retryPolicy);
        if (delay === undefined || options.signal?.aborted) throw failure;
        record.retries += 1;
        this.observer.retry?.({ method: spec.method, route: spec.route, code: failure.code });
        this.logger.debug({ method: spec.method, route: spec.route, code: failure.code, attempt: attempt + 1, delayMs: delay }, 'retrying upstream call');
        try {
          await this.clock.sleep(delay, options.signal);
        } catch {
          throw failure;
        }
      }
    }
  }

  /** Whether an error says Ops Manager is unwell (what the breaker counts), not that the caller left. */
  private isUnavailability(error: unknown, options: CallOptions): boolean {
    if (!(error instanceof GatewayError)) return true;
    if (options.signal?.aborted && !isDeadline(options.signal)) return false;
    return (
      error.code === ErrorCode.UPSTREAM_UNAVAILABLE || error.code === ErrorCode.UPSTREAM_TIMEOUT || error.code === ErrorCode.MUTATION_OUTCOME_UNKNOWN
    );
  }

  private async send<T>(spec: RequestSpec<T>, options: CallOptions, record: CallRecord): Promise<T> {
    const url = new URL(this.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    // The operation may have ended while this call waited for a slot: then it never leaves.
    if (options.signal?.aborted) throw abortedBeforeSending(options.signal);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const started = performance.now();
    record.attempts += 1;

    let response: Response;
    let bodyText: string;
    try {
      response = await this.fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
      });
      bodyText = await response.text();
    } catch (error) {
      const failure = transportError(error, spec.method, timeout, options.signal);
      const status = failure.code === ErrorCode.UPSTREAM_TIMEOUT ? 'timeout' : 'network';
      this.observer.attempt?.({ method: spec.method, route: spec.route, status, durationMs: elapsed(started) });
      throw failure;
    }
    record.status = response.status;
    this.observer.attempt?.({ method: spec.method, route: spec.route, status: String(response.status), durationMs: elapsed(started) });

    if (!response.ok) {
      throw errorFromResponse({ status: response.status, headers: response.headers, bodyText, resource: spec.resource });
    }
    if (spec.allowEmptyBody && bodyText.trim() === '') return undefined as T;
    return this.parseBody(spec, bodyText);
  }

  /**
   * Reads a 2xx body. For a change, an unreadable 2xx is MUTATION_OUTCOME_UNKNOWN rather
   * than a failure: a 2xx says Ops Manager (or something in front of it) accepted the
   * request, and without a readable answer the gateway cannot say what happened.
   */
  private parseBody<T>(spec: RequestSpec<T>, bodyText: string): T {
    const log = { method: spec.method, route: spec.route };
    const unreadable = (what: string) =>
      spec.method === 'GET'
        ? new UpstreamError(ErrorCode.UPSTREAM_BAD_RESPONSE, `Ops Manager answered with ${what}.`)
        : new OutcomeUnknownError(`Ops Manager accepted the change but answered with ${what}; read the invitation again before retrying.`);
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      this.logger.warn({ ...log, bytes: bodyText.length }, 'upstream body is not JSON');
      throw unreadable('a body that is not JSON');
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      // Paths only: the values may be personal data.
      const paths = parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.'));
      this.logger.warn({ ...log, paths }, 'upstream body has an unexpected shape');
      throw unreadable('a body of an unexpected shape');
    }
    return parsed.data;
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
