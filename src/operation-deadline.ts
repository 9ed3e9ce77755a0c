import type { Plugin } from 'graphql-yoga';
import type { Clock } from './clock.ts';
import { onAbort } from './ops-manager/abort.ts';

/** What an operation's upstream calls are given: aborted when the caller leaves or the deadline passes. */
export interface OperationDeadline {
  readonly signal: AbortSignal;
  /** Clock time (ms since the epoch) after which no upstream attempt starts. */
  readonly deadlineAt: number;
}

/**
 * The deadline of every GraphQL operation (OPERATION_TIMEOUT_MS), owned here from start to end:
 * `start` (from the context factory) makes one AbortController per operation, aborted by one
 * timer of the injected clock or by the caller leaving, and the plugin's onResponse, which runs
 * for every answer (a result, an error, a refused document, an idempotent replay), cancels the
 * timer and stops watching the caller. Nothing of the operation then waits on a timer: an
 * `AbortSignal.timeout` would hold its composite signal, and everything its listeners reach,
 * for the whole timeout after the answer has gone.
 *
 * The deadline aborts with a TimeoutError and a caller who leaves with its own reason, which
 * the client tells apart (UPSTREAM_TIMEOUT versus a cancelled call, transport-errors.ts).
 */
export function operationDeadlines(options: { clock: Clock; timeoutMs: number }): {
  start(request: Request): OperationDeadline;
  plugin: Plugin;
} {
  const { clock, timeoutMs } = options;
  // By request, as Yoga hands it to both the context factory and onResponse; a request with
  // more than one operation (a batch) has one deadline each.
  const running = new WeakMap<Request, Array<() => void>>();
  return {
    start(request) {
      const controller = new AbortController();
      const cancelTimer = clock.after(timeoutMs, () =>
        controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      );
      const caller = request.signal;
      const stopWatching = onAbort(caller, () => controller.abort(caller.reason));
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
    plugin: {
      onResponse({ request }) {
        const ends = running.get(request);
        if (ends === undefined) return;
        running.delete(request);
        for (const end of ends) end();
      },
    },
  };
}
