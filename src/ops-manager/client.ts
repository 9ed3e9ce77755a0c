import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { z } from 'zod';
import { type Clock, systemClock } from '../clock.ts';
import { ErrorCode, GatewayError, OutcomeUnknownError, UpstreamError } from '../errors.ts';
import { errorFromResponse, type UpstreamResource } from '../errors/upstream.ts';
import type { Logger } from '../logger.ts';
import { tracer } from '../observability/tracing.ts';
import type { SharedReads } from './deduplication.ts';
import type { CallCost, CallResult } from './resilience.ts';
import {
  DeleteBodySchema,
  type Invitation,
  InvitationBodySchema,
  InvitationListBodySchema,
  type ProjectRole,
  toInvitation,
} from './schemas.ts';
import type { UpstreamRequest } from './transport.ts';

export type { FetchLike } from './transport.ts';

/** What every upstream call of one GraphQL operation carries (built once per operation by the context). */
export interface CallContext {
  /** The operation's signal: a caller who leaves, or the operation deadline, aborts its calls. */
  signal?: AbortSignal | undefined;
  /** When the operation must have answered (ms since epoch, the injected clock's); no retry waits past it. */
  deadlineAt?: number | undefined;
  /** The operation's request id, for the log line. */
  requestId?: string | undefined;
  /** Who the call is for (auth/identity.ts): the in-flight cap serves callers in turn. */
  caller?: string | undefined;
  /** Told the HTTP status of the answer a call ended with, 2xx or not (the audit of a change records it); not called when none came. */
  onAnswer?: ((status: number) => void) | undefined;
  /** The breaker does not count this call's failures (a read-back, a change's second attempt). @default false */
  uncounted?: boolean | undefined;
}

/** One logical call through the resilience step (upstream.ts binds it to a key's Digest session); tests give a fake. */
export type UpstreamCall = (request: UpstreamRequest, context: CallContext) => Promise<CallResult>;

/** What a call cost, with what it was: the metrics observer's view. */
export interface CallReport extends CallCost {
  method: string;
  /** The route as Ops Manager documents it (no ids). */
  route: string;
}

/** Hooks for metrics; each is optional and must not throw. */
export interface UpstreamObserver {
  /** A logical call is over. */
  call?(report: Readonly<CallReport>): void;
  /** A loader asked for this many projects at once. */
  batch?(size: number): void;
  /** A 429 with Retry-After paused calls to a project ('started'), or a call was refused during one ('refused'). */
  pause?(event: 'started' | 'refused'): void;
}

export interface OpsManagerClientOptions {
  /** The API's base URL, ending in /api/public/v1.0. */
  baseUrl: string;
  send: UpstreamCall;
  logger: Logger;
  /** Told of every call and loader batch (metrics). */
  observer?: UpstreamObserver | undefined;
  /** The clock deadlines are read with (`CallContext.deadlineAt` is in its time). @default systemClock */
  clock?: Clock | undefined;
  /** The key is the caller's (passthrough mode): its refusal is UNAUTHENTICATED (errors/upstream.ts). @default false */
  callerCredentials?: boolean | undefined;
  /** Names this client's credentials in the keys of deduplication.ts (reads never cross credentials). @default 'gateway' */
  credentials?: string | undefined;
  /** The process-wide sharing of reads in flight that operations' reads join (deduplication.ts). @default none */
  sharedReads?: SharedReads | undefined;
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

const InvitationList = InvitationListBodySchema.transform((list) => list.map(toInvitation));
const OneInvitation = InvitationBodySchema.transform(toInvitation);
const JSON_ACCEPT = { Accept: 'application/json' };
const JSON_BODY = { Accept: 'application/json', 'Content-Type': 'application/json' };

/**
 * The six project-invitation calls of the Ops Manager public API v1.0, in the manner of
 * datasource-rest: each call is sent through the resilience step (retry, cap, pause, breaker,
 * timeout, then Digest and the pool: see upstream.ts), and its answer is read here, once: a
 * non-2xx through the one error mapping (errors/upstream.ts), a 2xx body validated with zod at
 * this edge, so the code past it can trust the Invitation type. What the call cost comes back
 * with its result, and is reported here: one log line, one client span, the metrics observer.
 */
export class OpsManagerClient {
  readonly baseUrl: string;
  readonly observer: UpstreamObserver;
  readonly clock: Clock;
  /** Names the credentials this client speaks with (deduplication keys). */
  readonly credentials: string;
  readonly sharedReads: SharedReads | undefined;
  readonly #send: UpstreamCall;
  readonly #logger: Logger;
  readonly #host: string;
  readonly #callerKey: boolean;

  constructor(options: OpsManagerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.observer = options.observer ?? {};
    this.clock = options.clock ?? systemClock;
    this.credentials = options.credentials ?? 'gateway';
    this.sharedReads = options.sharedReads;
    this.#send = options.send;
    this.#logger = options.logger;
    this.#host = new URL(this.baseUrl).host;
    this.#callerKey = options.callerCredentials ?? false;
  }

  /** GET /groups/{GROUP-ID}/invites[?username=]: all pending invitations of a project. */
  listInvitations(projectId: string, options: CallContext & { username?: string } = {}): Promise<Invitation[]> {
    return this.#request(
      {
        method: 'GET',
        route: '/groups/{GROUP-ID}/invites',
        path: `/groups/${projectId}/invites`,
        query: { username: options.username },
        resource: 'project',
        schema: InvitationList,
      },
      options,
    );
  }

  /** GET /groups/{GROUP-ID}/invites/{INVITATION-ID} */
  getInvitation(projectId: string, invitationId: string, options: CallContext = {}): Promise<Invitation> {
    return this.#request(
      {
        method: 'GET',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        path: `/groups/${projectId}/invites/${invitationId}`,
        resource: 'invitation',
        schema: OneInvitation,
      },
      options,
    );
  }

  /** POST /groups/{GROUP-ID}/invites */
  createInvitation(
    projectId: string,
    input: { username: string; roles: readonly ProjectRole[] },
    options: CallContext = {},
  ): Promise<Invitation> {
    return this.#request(
      {
        method: 'POST',
        route: '/groups/{GROUP-ID}/invites',
        path: `/groups/${projectId}/invites`,
        body: { roles: input.roles, username: input.username },
        resource: 'project',
        schema: OneInvitation,
      },
      options,
    );
  }

  /** PATCH /groups/{GROUP-ID}/invites/{INVITATION-ID}: replaces all roles of the invitation. */
  updateInvitationRoles(
    projectId: string,
    invitationId: string,
    roles: readonly ProjectRole[],
    options: CallContext = {},
  ): Promise<Invitation> {
    return this.#request(
      {
        method: 'PATCH',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        path: `/groups/${projectId}/invites/${invitationId}`,
        body: { roles },
        resource: 'invitation',
        schema: OneInvitation,
      },
      options,
    );
  }

  /** PATCH /groups/{GROUP-ID}/invites with a username (the Cloud Manager form): replaces all roles. */
  updateInvitationRolesByUsername(
    projectId: string,
    username: string,
    roles: readonly ProjectRole[],
    options: CallContext = {},
  ): Promise<Invitation> {
    return this.#request(
      {
        method: 'PATCH',
        route: '/groups/{GROUP-ID}/invites',
        path: `/groups/${projectId}/invites`,
        body: { roles, username },
        resource: 'invitation',
        schema: OneInvitation,
      },
      options,
    );
  }

  /** DELETE /groups/{GROUP-ID}/invites/{INVITATION-ID}: 204, or an empty JSON object. */
  async deleteInvitation(projectId: string, invitationId: string, options: CallContext = {}): Promise<void> {
    await this.#request(
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

  async #request<T>(spec: RequestSpec<T>, context: CallContext): Promise<T> {
    const url = new URL(this.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const request: UpstreamRequest =
      spec.body === undefined
        ? { url: url.href, method: spec.method, headers: JSON_ACCEPT }
        : { url: url.href, method: spec.method, headers: JSON_BODY, body: JSON.stringify(spec.body) };
    const startedAt = performance.now();
    const { response, error, cost } = await this.#send(request, context);
    let failure = error;
    try {
      if (response === undefined) throw error;
      context.onAnswer?.(response.status);
      if (response.status < 200 || response.status > 299)
        throw errorFromResponse({ ...response, resource: spec.resource, callerKey: this.#callerKey });
      if (spec.allowEmptyBody && response.body.trim() === '') return undefined as T;
      return this.#parseBody(spec, response.body);
    } catch (thrown) {
      failure =
        thrown instanceof GatewayError
          ? thrown
          : new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager call failed.', { cause: thrown });
      throw failure;
    } finally {
      this.#report(spec, context, { method: spec.method, route: spec.route, ...cost }, startedAt, failure);
    }
  }

  /** One log line (method, route template, status, duration, retries, round trips), one client span, the observer. */
  #report(
    spec: RequestSpec<unknown>,
    context: CallContext,
    report: CallReport,
    startedAt: number,
    failure: GatewayError | undefined,
  ): void {
    const line = {
      requestId: context.requestId,
      method: spec.method,
      route: spec.route,
      status: report.status,
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      retries: report.retries.length,
      roundTrips: report.roundTrips,
      ...(report.retries.length > 0
        ? {
            retriedOn: report.retries.map((retry) => retry.code),
            backoffMs: report.retries.map((retry) => retry.delayMs),
          }
        : {}),
    };
    if (failure === undefined) this.#logger.info(line, 'upstream call');
    else
      this.#logger.warn(
        { ...line, code: failure.code, upstreamErrorCode: failure.upstreamErrorCode },
        'upstream call failed',
      );
    // Started where the call started, ended now: the active context is still the operation's.
    const span = tracer.startSpan(`Ops Manager ${spec.method} ${spec.route}`, {
      kind: SpanKind.CLIENT,
      startTime: performance.timeOrigin + startedAt,
      attributes: {
        'http.request.method': spec.method,
        'url.template': spec.route,
        'server.address': this.#host,
        'gateway.retries': report.retries.length,
        'gateway.round_trips': report.roundTrips,
      },
    });
    if (report.status !== undefined) span.setAttribute('http.response.status_code', report.status);
    if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
    span.end();
    this.observer.call?.(report);
  }

  /**
   * Reads a 2xx body. For a change, an unreadable 2xx is MUTATION_OUTCOME_UNKNOWN rather
   * than a failure: a 2xx says Ops Manager (or something in front of it) accepted the
   * request, and without a readable answer the gateway cannot say what happened.
   */
  #parseBody<T>(spec: RequestSpec<T>, bodyText: string): T {
    const log = { method: spec.method, route: spec.route };
    const unreadable = (what: string) =>
      spec.method === 'GET'
        ? new UpstreamError(ErrorCode.UPSTREAM_BAD_RESPONSE, `Ops Manager answered with ${what}.`)
        : new OutcomeUnknownError(
            `Ops Manager accepted the change but answered with ${what}; read the invitation again before retrying.`,
          );
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      this.#logger.warn({ ...log, bytes: bodyText.length }, 'upstream body is not JSON');
      throw unreadable('a body that is not JSON');
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      // Paths only: the values may be personal data.
      const paths = parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.'));
      this.#logger.warn({ ...log, paths }, 'upstream body has an unexpected shape');
      throw unreadable('a body of an unexpected shape');
    }
    return parsed.data;
  }
}
