/**
 * The upstream as a pipeline: each stage is a fetch-like function wrapping the next one, and one
 * concern (stages/*.ts). A logical call carries a CallRecord all the way down; the stages write
 * what the call cost into it (attempts, retries, HTTP round trips, Digest challenges), and the
 * client reads it once, at the end, for the log line, the span and the metrics (call-report.ts).
 * Nothing travels back up through ambient state.
 */

/** The request a stage passes on: what fetch takes, with a string URL and a string body only. */
export interface UpstreamInit {
  method: string;
  headers: HeadersInit;
  /** A string, so that the Digest stage can send it again after a challenge. */
  body?: string | undefined;
  /** Set by the deadline stage: the operation's signal and this attempt's timeout together. */
  signal?: AbortSignal | undefined;
}

/** One HTTP-level attempt: its status ('network' or 'timeout' when nothing answered) and duration. */
export interface AttemptRecord {
  status: string;
  durationMs: number;
}

/** A failed attempt that was tried again: the code of its failure and the backoff before the next. */
export interface RetryRecord {
  code: string;
  delayMs: number;
}

/**
 * One logical upstream call: what it is, the operation it serves, and, filled in by the stages,
 * what it cost. Made by the client per call; read by call-report.ts when the call is over.
 */
export interface CallRecord {
  readonly method: string;
  /** The route as Ops Manager documents it (no ids), for logs and metrics. */
  readonly route: string;
  /** The operation's signal: a caller who leaves, or the operation deadline, aborts the call. */
  readonly signal: AbortSignal | undefined;
  /** When the operation must have answered (ms since epoch, the injected clock's); no backoff waits past it. */
  readonly deadlineAt: number | undefined;
  readonly requestId: string | undefined;
  /** Who the call is for (auth/identity.ts): the in-flight cap's line is fair across these. */
  readonly caller: string | undefined;
  /** performance.now() when the call started. */
  readonly startedAt: number;
  readonly attempts: AttemptRecord[];
  readonly retries: RetryRecord[];
  /** HTTP requests sent for this call, Digest challenges and retries included. */
  roundTrips: number;
  /** 401 answers carrying a Digest challenge. */
  challenges: number;
  /** The HTTP status of the last answer. */
  status: number | undefined;
  /** Milliseconds spent waiting for a slot of the in-flight cap, over all attempts. */
  queueMs: number;
}

export function newCallRecord(
  method: string,
  route: string,
  options: {
    signal?: AbortSignal | undefined;
    deadlineAt?: number | undefined;
    requestId?: string | undefined;
    caller?: string | undefined;
  } = {},
): CallRecord {
  return {
    method,
    route,
    signal: options.signal,
    deadlineAt: options.deadlineAt,
    requestId: options.requestId,
    caller: options.caller,
    startedAt: performance.now(),
    attempts: [],
    retries: [],
    roundTrips: 0,
    challenges: 0,
    status: undefined,
    queueMs: 0,
  };
}

/** A fetch that also carries the call's record. Resolves with any HTTP answer; rejects when there is none. */
export type UpstreamFetch = (url: string, init: UpstreamInit, call: CallRecord) => Promise<Response>;

/** One concern around the next fetch. */
export type Stage = (next: UpstreamFetch) => UpstreamFetch;

/** `compose([a, b, c], transport)` is a(b(c(transport))): the first stage is the outermost. */
export function compose(stages: readonly Stage[], transport: UpstreamFetch): UpstreamFetch {
  return stages.reduceRight<UpstreamFetch>((next, stage) => stage(next), transport);
}

/** Milliseconds since `started` (a performance.now() value), to a tenth. */
export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
