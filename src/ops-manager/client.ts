import type { z } from 'zod';
import { BASIC_CHALLENGE } from '../auth/caller.ts';
import { type Clock, systemClock } from '../clock.ts';
import { ErrorCode, GatewayError, OutcomeUnknownError, UnauthenticatedError, UpstreamError } from '../errors/index.ts';
import type { Logger } from '../logger.ts';
import { type CallReporter, reportCall, type UpstreamObserver } from './call-report.ts';
import { newCallRecord, type UpstreamFetch } from './pipeline.ts';
import type { ReadCoalescer } from './read-coalescing.ts';
import {
  DeleteBodySchema,
  type Invitation,
  InvitationBodySchema,
  InvitationListBodySchema,
  type ProjectRole,
  toInvitation,
} from './schemas.ts';
import { errorFromResponse, type UpstreamResource } from './upstream-errors.ts';

export type { FetchLike } from './stages/transport.ts';
export type { UpstreamObserver } from './call-report.ts';

export interface OpsManagerClientOptions {
  /** The API's base URL, ending in /api/public/v1.0. */
  baseUrl: string;
  /** The upstream pipeline every call goes through (upstream.ts composes it); tests give a fake. */
  send: UpstreamFetch;
  logger: Logger;
  /** Told of every call and loader batch (metrics). */
  observer?: UpstreamObserver | undefined;
  /** The clock the pipeline reads deadlines with (`CallOptions.deadlineAt` is in its time). @default systemClock */
  clock?: Clock | undefined;
  /**
   * The key is the caller's (passthrough mode): Ops Manager refusing it means the caller is not
   * authenticated (UNAUTHENTICATED, 401), not that the gateway is misconfigured. @default false
   */
  callerCredentials?: boolean | undefined;
  /**
   * Read coalescing shared by every client of the upstream, and the name of this client's
   * credentials in its keys (reads never cross credentials). @default no coalescing
   */
  reads?: { coalescer: ReadCoalescer; credentials: string } | undefined;
}

export interface CallOptions {
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
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The route as Ops Manager documents it, for logs and metrics (no ids in it). */
  route: string;
  projectId: string;
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
 * The six project-invitation calls of the Ops Manager public API v1.0. Each call is sent through
 * the upstream pipeline (cap, breaker, retries, timeout, Digest: see upstream.ts), and its answer
 * is read here: a non-2xx through the one error mapping (errorFromResponse), a 2xx body once,
 * validated with zod at this edge, so the code past it can trust the Invitation type.
 */
export class OpsManagerClient {
  readonly baseUrl: string;
  readonly observer: UpstreamObserver;
  readonly clock: Clock;
  readonly #send: UpstreamFetch;
  readonly #logger: Logger;
  readonly #reporter: CallReporter;
  readonly #callerCredentials: boolean;
  readonly #reads: OpsManagerClientOptions['reads'];

  constructor(options: OpsManagerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.observer = options.observer ?? {};
    this.clock = options.clock ?? systemClock;
    this.#send = options.send;
    this.#logger = options.logger;
    this.#reporter = { logger: options.logger, observer: this.observer, host: new URL(this.baseUrl).host };
    this.#callerCredentials = options.callerCredentials ?? false;
    this.#reads = options.reads;
  }

  /** GET /groups/{GROUP-ID}/invites[?username=]: all pending invitations of a project. */
  listInvitations(projectId: string, options: CallOptions & { username?: string } = {}): Promise<Invitation[]> {
    return this.#request(
      {
        method: 'GET',
        route: '/groups/{GROUP-ID}/invites',
        projectId,
        path: `/groups/${projectId}/invites`,
        query: { username: options.username },
        resource: 'project',
        schema: InvitationList,
      },
      options,
    );
  }

  /** GET /groups/{GROUP-ID}/invites/{INVITATION-ID} */
  getInvitation(projectId: string, invitationId: string, options: CallOptions = {}): Promise<Invitation> {
    return this.#request(
      {
        method: 'GET',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        projectId,
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
    options: CallOptions = {},
  ): Promise<Invitation> {
    return this.#request(
      {
        method: 'POST',
        route: '/groups/{GROUP-ID}/invites',
        projectId,
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
    options: CallOptions = {},
  ): Promise<Invitation> {
    return this.#request(
      {
        method: 'PATCH',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        projectId,
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
    options: CallOptions = {},
  ): Promise<Invitation> {
    return this.#request(
      {
        method: 'PATCH',
        route: '/groups/{GROUP-ID}/invites',
        projectId,
        path: `/groups/${projectId}/invites`,
        body: { roles, username },
        resource: 'invitation',
        schema: OneInvitation,
      },
      options,
    );
  }

  /** DELETE /groups/{GROUP-ID}/invites/{INVITATION-ID}: 204, or an empty JSON object. */
  async deleteInvitation(projectId: string, invitationId: string, options: CallOptions = {}): Promise<void> {
    await this.#request(
      {
        method: 'DELETE',
        route: '/groups/{GROUP-ID}/invites/{INVITATION-ID}',
        projectId,
        path: `/groups/${projectId}/invites/${invitationId}`,
        resource: 'invitation',
        schema: DeleteBodySchema,
        allowEmptyBody: true,
      },
      options,
    );
  }

  /**
   * One logical call. A read joins an identical read in flight when coalescing is on; a change,
   * once over (answered or not), ends the joining of reads of its project that started before it.
   */
  #request<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    const url = new URL(this.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const href = url.href;
    const reads = this.#reads;
    if (reads === undefined) return this.#call(spec, href, options);
    if (spec.method === 'GET') {
      return reads.coalescer.read(spec.projectId, `${reads.credentials}\n${href}`, options, (shared) =>
        this.#call(spec, href, shared),
      );
    }
    const changed = () => reads.coalescer.changed(spec.projectId);
    const change = this.#call(spec, href, options);
    change.then(changed, changed);
    return change;
  }

  async #call<T>(spec: RequestSpec<T>, href: string, options: CallOptions): Promise<T> {
    const record = newCallRecord(spec.method, spec.route, options);
    let failure: GatewayError | undefined;
    try {
      const init =
        spec.body === undefined
          ? { method: spec.method, headers: JSON_ACCEPT }
          : { method: spec.method, headers: JSON_BODY, body: JSON.stringify(spec.body) };
      const answer = await this.#send(href, init, record);
      options.onAnswer?.(answer.status);
      const bodyText = await answer.text();
      if (!answer.ok)
        throw errorFromResponse({ status: answer.status, headers: answer.headers, bodyText, resource: spec.resource });
      if (spec.allowEmptyBody && bodyText.trim() === '') return undefined as T;
      return this.#parseBody(spec, bodyText);
    } catch (error) {
      failure =
        error instanceof GatewayError
          ? error
          : new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Ops Manager call failed.', { cause: error });
      if (this.#callerCredentials && failure.code === ErrorCode.UPSTREAM_UNAUTHENTICATED) {
        throw new UnauthenticatedError('Ops Manager rejected your API key.', BASIC_CHALLENGE);
      }
      throw failure;
    } finally {
      reportCall(this.#reporter, record, failure);
    }
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
