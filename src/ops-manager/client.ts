import type { z } from 'zod';
import { type Clock, systemClock } from '../clock.ts';
import { ErrorCode, OutcomeUnknownError, UpstreamError } from '../errors/index.ts';
import { asGatewayError, errorFromResponse, type UpstreamResource } from '../errors/upstream.ts';
import type { Logger } from '../logger.ts';
import type { Invitation, ProjectRole } from '../invitation.ts';
import type { SharedReads } from './deduplication.ts';
import type { CallCost, CallResult } from './resilience.ts';
import { DeleteBodySchema, InvitationBodySchema, InvitationListBodySchema, toInvitation } from './schemas.ts';
import type { UpstreamRequest } from './transport.ts';

/** What every upstream call of one GraphQL operation carries (built once per operation by the context). */
export interface CallContext {
  /** Aborted when the caller leaves or the operation's deadline passes. */
  signal?: AbortSignal | undefined;
  /** When the operation must have answered (the injected clock's ms); no retry waits past it. */
  deadlineAt?: number | undefined;
  requestId?: string | undefined;
  /** Who the call is for (auth/identity.ts): the in-flight cap serves callers in turn. */
  caller?: string | undefined;
  /** Told the status of the response a call ended with, if one came (the audit of a change records it). */
  onAnswer?: ((status: number) => void) | undefined;
  /** The breaker does not count this call (a read-back, a change's second attempt). */
  uncounted?: boolean | undefined;
}

/** A finished call: what it was (its route as Ops Manager documents it: no ids), what it cost, how it ended. */
export interface CallReport extends CallCost {
  method: string;
  route: string;
  requestId: string | undefined;
  /** performance.now() when the call started, and how long it took. */
  startedAt: number;
  durationMs: number;
  failure: { code: string; upstreamErrorCode: string | undefined } | undefined;
}

/** Told (must not throw) of each finished call (observability/upstream-calls.ts logs and traces it), each loader batch, each 429 pause started or call it refused. */
export interface UpstreamObserver {
  call?(report: Readonly<CallReport>): void;
  batch?(size: number): void;
  pause?(event: 'started' | 'refused'): void;
}

export interface OpsManagerClientOptions {
  /** The API's base URL, ending in /api/public/v1.0. */
  baseUrl: string;
  /** One logical call through the resilience step (upstream.ts binds it to a key's Digest session). */
  send: (request: UpstreamRequest, context: CallContext) => Promise<CallResult>;
  logger: Logger;
  observer?: UpstreamObserver | undefined;
  /** The clock `CallContext.deadlineAt` is in. @default systemClock */
  clock?: Clock | undefined;
  /** The key is the caller's (passthrough mode): its refusal is UNAUTHENTICATED. @default false */
  callerCredentials?: boolean | undefined;
  /** Names the credentials in deduplication.ts's keys (reads never cross credentials), and its sharing of reads. */
  credentials?: string | undefined;
  sharedReads?: SharedReads | undefined;
}

/** One of the calls: how it is logged and measured (`route`: no ids), and whose error a 404 is (errors/upstream.ts). */
type Call = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; route: string; resource: UpstreamResource };

const INVITES = '/groups/{GROUP-ID}/invites';
const ONE_INVITE = '/groups/{GROUP-ID}/invites/{INVITATION-ID}';
const LIST: Call = { method: 'GET', route: INVITES, resource: 'project' };
const CREATE: Call = { method: 'POST', route: INVITES, resource: 'project' };
const UPDATE: Call = { method: 'PATCH', route: ONE_INVITE, resource: 'invitation' };
const UPDATE_BY_USERNAME: Call = { method: 'PATCH', route: INVITES, resource: 'invitation' };
const DELETE: Call = { method: 'DELETE', route: ONE_INVITE, resource: 'invitation' };
const InvitationList = InvitationListBodySchema.transform((list) => list.map(toInvitation));
const OneInvitation = InvitationBodySchema.transform(toInvitation);
const JSON_ACCEPT = { accept: 'application/json' };
const JSON_BODY = { accept: 'application/json', 'content-type': 'application/json' };

/**
 * The project-invitation calls of the Ops Manager public API v1.0, in the manner of datasource-rest: each is sent
 * through the resilience step (upstream.ts binds it to a key's Digest session), and its response read here, once: a
 * non-2xx through the one error mapping (errors/upstream.ts), a 2xx body validated with zod at this edge, so the code
 * past it can trust the Invitation type. What the call cost comes back with its result; the observer is told once.
 */
export class OpsManagerClient {
  readonly observer: UpstreamObserver;
  readonly clock: Clock;
  /** Names the credentials this client speaks with (deduplication keys). */
  readonly credentials: string;
  readonly sharedReads: SharedReads | undefined;
  readonly #options: OpsManagerClientOptions;
  readonly #baseUrl: string;

  constructor(options: OpsManagerClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.observer = options.observer ?? {};
    this.clock = options.clock ?? systemClock;
    this.credentials = options.credentials ?? 'gateway';
    this.sharedReads = options.sharedReads;
    this.#options = options;
  }

  /** GET /groups/{GROUP-ID}/invites[?username=]: all pending invitations of a project. */
  listInvitations(projectId: string, context: CallContext & { username?: string } = {}): Promise<Invitation[]> {
    const query = context.username === undefined ? '' : `?username=${encodeURIComponent(context.username)}`;
    return this.#request(LIST, `/groups/${projectId}/invites${query}`, undefined, InvitationList, context);
  }

  /** POST /groups/{GROUP-ID}/invites */
  createInvitation(
    projectId: string,
    input: { username: string; roles: readonly ProjectRole[] },
    context: CallContext = {},
  ): Promise<Invitation> {
    const body = { roles: input.roles, username: input.username };
    return this.#request(CREATE, `/groups/${projectId}/invites`, body, OneInvitation, context);
  }

  /** PATCH /groups/{GROUP-ID}/invites/{INVITATION-ID}: replaces all roles of the invitation. */
  updateInvitationRoles(
    projectId: string,
    invitationId: string,
    roles: readonly ProjectRole[],
    context: CallContext = {},
  ): Promise<Invitation> {
    return this.#request(UPDATE, `/groups/${projectId}/invites/${invitationId}`, { roles }, OneInvitation, context);
  }

  /** PATCH /groups/{GROUP-ID}/invites with a username (the Cloud Manager form): replaces all roles. */
  updateInvitationRolesByUsername(
    projectId: string,
    username: string,
    roles: readonly ProjectRole[],
    context: CallContext = {},
  ): Promise<Invitation> {
    const body = { roles, username };
    return this.#request(UPDATE_BY_USERNAME, `/groups/${projectId}/invites`, body, OneInvitation, context);
  }

  /** DELETE /groups/{GROUP-ID}/invites/{INVITATION-ID}: 204, or an empty JSON object. */
  async deleteInvitation(projectId: string, invitationId: string, context: CallContext = {}): Promise<void> {
    await this.#request(DELETE, `/groups/${projectId}/invites/${invitationId}`, undefined, DeleteBodySchema, context);
  }

  async #request<T>(call: Call, path: string, body: unknown, schema: z.ZodType<T>, context: CallContext): Promise<T> {
    const url = this.#baseUrl + path;
    const request: UpstreamRequest =
      body === undefined
        ? { url, method: call.method, headers: JSON_ACCEPT }
        : { url, method: call.method, headers: JSON_BODY, body: JSON.stringify(body) };
    const startedAt = performance.now();
    const { response, error, cost } = await this.#options.send(request, context);
    let failure = error;
    try {
      if (response === undefined) throw error;
      context.onAnswer?.(response.status);
      if (response.status < 200 || response.status > 299) {
        const { callerCredentials: callerKey } = this.#options;
        throw errorFromResponse({ ...response, resource: call.resource, callerKey, now: this.clock.now() });
      }
      // DELETE answers 204 with no body.
      if (call.method === 'DELETE' && response.body.trim() === '') return undefined as T;
      return this.#parse(call, schema, response.body);
    } catch (thrown) {
      failure = asGatewayError(thrown);
      throw failure;
    } finally {
      const durationMs = Math.round((performance.now() - startedAt) * 10) / 10;
      const failed = failure && { code: failure.code, upstreamErrorCode: failure.upstreamErrorCode };
      const { requestId } = context;
      this.observer.call?.({ ...call, ...cost, requestId, startedAt, durationMs, failure: failed });
    }
  }

  /**
   * Reads a 2xx body. For a change, an unreadable 2xx is MUTATION_OUTCOME_UNKNOWN, not a failure: Ops Manager (or
   * something in front of it) accepted the request, and what happened is unknown.
   */
  #parse<T>(call: Call, schema: z.ZodType<T>, body: string): T {
    const unreadable = (what: string, log: object, message: string) => {
      this.#options.logger.warn({ method: call.method, route: call.route, ...log }, message);
      return call.method === 'GET'
        ? new UpstreamError(ErrorCode.UPSTREAM_BAD_RESPONSE, `Ops Manager answered with a body ${what}.`)
        : new OutcomeUnknownError(
            `Ops Manager accepted the change but answered with a body ${what}; read the invitation again before retrying.`,
          );
    };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw unreadable('that is not JSON', { bytes: body.length }, 'upstream body is not JSON');
    }
    const parsed = schema.safeParse(json);
    // Paths only: the values may be personal data.
    if (!parsed.success) {
      const paths = parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.'));
      throw unreadable('of an unexpected shape', { paths }, 'upstream body has an unexpected shape');
    }
    return parsed.data;
  }
}
