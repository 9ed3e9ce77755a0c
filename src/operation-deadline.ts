import type { Clock } from './clock.ts';

/** What an operation's upstream calls are given: aborted when the caller leaves or the deadline passes. */
export interface OperationDeadline {
  readonly signal: AbortSignal;
  /** Clock time (ms since the epoch) after which no upstream attempt starts. */
  readonly deadlineAt: number;
}

/**
 * The deadline of every GraphQL operation (OPERATION_TIMEOUT_MS), owned here from start to end:
 * `start` (from the context factory) makes one AbortController per operation, aborted by one
 * timer of the injected clock or by the caller leaving, and `end` (useOperationDeadline's
 * onResponse, which runs for every response: a result, an error, a refused document, an
 * idempotent replay) cancels the timer and stops watching the caller. Nothing of the operation then waits on a timer: an
 * `AbortSignal.timeout` would hold its composite signal, and everything its listeners reach,
 * for the whole timeout after the response has gone.
 *
 * The deadline aborts with a DeadlineExceeded and a caller who leaves with its own reason, which
 * the upstream path tells apart (UPSTREAM_TIMEOUT versus a cancelled call: errors/upstream.ts).
 */
export interface OperationDeadlines {
  /**
   * `response` is the Node response when the request came through node:http (Yoga's server
   * context `res`): the caller leaving is then heard from its 'close', as @whatwg-node/server
   * hears it to abort `request.signal`. Listening on that signal instead costs more than the rest
   * of the deadline: it is a Proxy, and EventTarget reaches it through several traps. Without a
   * response (`yoga.fetch`), `request.signal` is watched.
   */
  start(request: Request, response?: CallerConnection): OperationDeadline;
  /** Ends every deadline `start` made for this request. */
  end(request: Request): void;
}

export function operationDeadlines(options: { clock: Clock; timeoutMs: number }): OperationDeadlines {
  const { clock, timeoutMs } = options;
  // By request, as Yoga hands it to both the context factory and onResponse; a request with
  // more than one operation (a batch) has one deadline each.
  const running = new WeakMap<Request, Array<() => void>>();
  return {
    start(request, response) {
      const controller = new AbortController();
      const cancelTimer = clock.after(timeoutMs, () => controller.abort(new DeadlineExceeded()));
      const caller = request.signal;
      const stopWatching = response
        ? onClose(response, controller)
        : onAbort(caller, () => controller.abort(caller.reason));
      if (caller.aborted) controller.abort(caller.reason);
      const end = () => {
        cancelTimer();
        stopWatching();
      };
      const ends = running.get(request);
      if (ends) ends.push(end);
      else running.set(request, [end]);
      return { signal: controller.signal, deadlineAt: clock.now() + timeoutMs };
    },
    end(request) {
      const ends = running.get(request);
      if (ends === undefined) return;
      running.delete(request);
      for (const end of ends) end();
    },
  };
}

/** What `start` needs of a Node response (http.ServerResponse) to hear the caller leave. */
export interface CallerConnection {
  once(event: 'close', listener: () => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

/**
 * Aborts the operation when the connection closes before the operation has ended (`end` stops
 * listening first, so the close after a normal response aborts nothing). The reason is the one
 * @whatwg-node/server gives `request.signal` then: an AbortError, which is not a deadline.
 */
function onClose(response: CallerConnection, controller: AbortController): () => void {
  const leave = () => controller.abort();
  response.once('close', leave);
  return () => response.removeListener('close', leave);
}

/** The reason an operation's signal aborts with when its deadline passes (a TimeoutError, as fetch names one). */
export class DeadlineExceeded extends DOMException {
  constructor() {
    super('The operation was aborted due to timeout', 'TimeoutError');
  }
}

/** Whether the signal was aborted by its operation's deadline (not by a caller who left). */
export function isDeadline(signal: AbortSignal): boolean {
  return signal.reason instanceof DeadlineExceeded;
}

/**
 * Where onAbort keeps a signal's waiters: on the signal itself, under a symbol of this module. They
 * last as long as the signal, as a WeakMap's entry would, without the WeakMap's lookups and the
 * ephemerons every garbage collection has to trace (two new signals per operation, each a new entry).
 */
const WAITERS = Symbol('operation-deadline waiters');
type WatchedSignal = AbortSignal & { [WAITERS]?: Set<() => void> };

/**
 * One 'abort' listener per signal, however many waiters it has: an operation over 100 projects
 * has 100 reads and attempts waiting on its signal, and a listener each would trip Node's leak
 * warning at 11 (AbortSignal.any avoids listeners, but costs a composite signal, weak references
 * and its GC per attempt). Returns the function that stops watching.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  const watched = signal as WatchedSignal;
  let callbacks = watched[WAITERS];
  if (callbacks === undefined) {
    callbacks = new Set();
    watched[WAITERS] = callbacks;
    signal.addEventListener('abort', callAll(callbacks), { once: true });
  }
  const mine = callbacks;
  mine.add(callback);
  return () => mine.delete(callback);
}

/**
 * The signal's one listener, made apart from onAbort's scope: a closure made there would share
 * its scope with the first waiter's `callback`, and the signal would keep that waiter (and what it
 * reaches) for as long as the signal lives, long after it stopped watching.
 */
function callAll(callbacks: Set<() => void>): () => void {
  return () => {
    for (const each of callbacks) each();
    callbacks.clear();
  };
}
