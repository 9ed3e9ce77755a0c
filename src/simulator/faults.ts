/**
 * Fault injection. Faults apply only to requests that already passed authentication, so a Digest
 * handshake (the unauthenticated first request, a stale-nonce retry) never consumes or suffers
 * one: a fault injected "once" hits the first real API call.
 */

/** Which authenticated requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** A route key as in the counters' `byRoute`, e.g. 'GET /groups/{groupId}/invites'. */
  route?: string;
  groupId?: string;
}

export type Fault =
  /**
   * Answer with this status. Without `body`, an Ops Manager error body for the status (429 →
   * RATE_LIMITED, 503 → SERVICE_UNAVAILABLE ...); a string body is sent as is (e.g. a proxy's
   * HTML page). `Retry-After` is sent when `retryAfterSeconds` is a number; 429 defaults to 1
   * second, `null` omits it.
   */
  | { kind: 'status'; status: number; retryAfterSeconds?: number | null; body?: unknown }
  /** Wait this long, then handle the request normally. */
  | { kind: 'latency'; ms: number }
  /** 200 with a truncated, invalid JSON body. */
  | { kind: 'malformed-json' }
  /** 200 with valid JSON of the wrong shape: `{"results": 5}`. */
  | { kind: 'wrong-shape' }
  /**
   * Destroy the socket without answering: on `receive` (default) before anything is done; on
   * `apply` after the request was handled, so a mutation is applied but the client never learns it.
   */
  | { kind: 'reset'; after?: 'receive' | 'apply' }
  /** Never answer; the socket stays open until the client gives up or the simulator closes. */
  | { kind: 'hang' };

export interface FaultOptions {
  /** How many matching requests this fault hits; `Infinity` for all of them. @default 1 */
  times?: number;
  match?: FaultMatch;
}

/**
 * An authenticated request as a fault plan sees it: what it is, and how many times the very same
 * request (method, path with query, body) came before, so a plan can decide from the request
 * itself rather than from when it arrives.
 */
export interface PlannedRequest extends FaultTarget {
  /** Path and query, e.g. '/api/public/v1.0/groups/…/invites?pageNum=1'. */
  path: string;
  /** The request body as text; '' when it has none. */
  body: string;
  /** 1 the first time this request arrives, 2 the second (a retry, a change sent again) ... */
  occurrence: number;
}

/** Decides a fault for a request no queued fault matched; undefined: none. */
export type FaultPlan = (request: PlannedRequest) => Fault | undefined;

export interface SimulatorFaults {
  /** Queues a fault; a request takes the first queued fault that matches it. */
  inject(fault: Fault, options?: FaultOptions): void;
  /** Consults `plan` for every request no queued fault matches (undefined: stop). */
  plan(plan: FaultPlan | undefined): void;
  /** Empties the queue and stops the plan. */
  clear(): void;
  /** Remaining uses over all queued faults (`Infinity` when one is unlimited). */
  pending(): number;
}

export interface FaultTarget {
  method: string;
  route: string | undefined;
  groupId: string | undefined;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  match: FaultMatch;
}

export class FaultQueue implements SimulatorFaults {
  #queue: QueuedFault[] = [];
  #plan: FaultPlan | undefined;
  /** How many times each request came while a plan was set, by method, path and body. */
  #seen = new Map<string, number>();

  inject(fault: Fault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${times}`);
    }
    this.#queue.push({ fault, remaining: times, match: options.match ?? {} });
  }

  plan(plan: FaultPlan | undefined): void {
    this.#plan = plan;
    this.#seen.clear();
  }

  clear(): void {
    this.#queue = [];
    this.plan(undefined);
  }

  pending(): number {
    return this.#queue.reduce((sum, queued) => sum + queued.remaining, 0);
  }

  /** Consumes one use of the first queued fault matching the request; else asks the plan, if any. */
  take(request: Omit<PlannedRequest, 'occurrence'>): Fault | undefined {
    const index = this.#queue.findIndex((queued) => matches(queued.match, request));
    const queued = this.#queue[index];
    if (queued === undefined) return this.#planned(request);
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.#queue.splice(index, 1);
    return queued.fault;
  }

  #planned(request: Omit<PlannedRequest, 'occurrence'>): Fault | undefined {
    if (this.#plan === undefined) return undefined;
    const key = `${request.method.toUpperCase()} ${request.path}\n${request.body}`;
    const occurrence = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, occurrence);
    return this.#plan({ ...request, occurrence });
  }
}

function matches(match: FaultMatch, target: FaultTarget): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (match.route !== undefined && match.route !== target.route) return false;
  if (match.groupId !== undefined && match.groupId.toLowerCase() !== target.groupId?.toLowerCase()) return false;
  return true;
}
