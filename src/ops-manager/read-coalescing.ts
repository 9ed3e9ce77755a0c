import { onAbort } from './abort.ts';
import { abortedBeforeSending, abandoned } from './transport-errors.ts';

/** What a read is given by whoever asks for it. */
export interface ReadOptions {
  signal?: AbortSignal | undefined;
  deadlineAt?: number | undefined;
  requestId?: string | undefined;
  caller?: string | undefined;
}

interface SharedRead {
  readonly promise: Promise<unknown>;
  readonly controller: AbortController;
  readers: number;
}

/**
 * Cross-request read coalescing: identical reads that overlap in time share one GET in flight.
 * There is no cache: an entry lives exactly as long as its GET, so nothing is ever served stale
 * by age. Three rules keep it correct:
 *
 * - The key holds the credentials (the caller's key fingerprint in passthrough mode): Ops Manager
 *   answers each key by its own permissions, so reads never cross keys.
 * - Only reads coalesce; the client never routes a change through here.
 * - `changed(projectId)`, called when a change to the project is over (answered or failed), drops
 *   the project's entries for every key: a read that starts after the change was acknowledged
 *   starts a new GET instead of joining one that may have been answered before the change.
 *
 * Each reader keeps its own signal: one who leaves (or whose operation times out) gets its own
 * error at once, and the GET goes on for the others; only when every reader has left is it
 * aborted. The GET runs under the first reader's deadline (readers that join it overlap it, so
 * their deadlines differ by the time between them), request id (its log line) and caller (its
 * turn in the in-flight cap's line).
 */
export class ReadCoalescer {
  readonly #byProject = new Map<string, Map<string, SharedRead>>();
  #joined = 0;

  /** Runs `read`, or joins the same read already in flight. `key` names the credentials and the request. */
  read<T>(
    projectId: string,
    key: string,
    options: ReadOptions,
    read: (options: ReadOptions) => Promise<T>,
  ): Promise<T> {
    if (options.signal?.aborted) return Promise.reject(abortedBeforeSending(options.signal));
    const project = projectId.toLowerCase();
    let reads = this.#byProject.get(project);
    let shared = reads?.get(key);
    if (shared === undefined) {
      const controller = new AbortController();
      const entry: SharedRead = {
        controller,
        readers: 0,
        promise: read({
          signal: controller.signal,
          deadlineAt: options.deadlineAt,
          requestId: options.requestId,
          caller: options.caller,
        }),
      };
      shared = entry;
      if (reads === undefined) this.#byProject.set(project, (reads = new Map()));
      reads.set(key, entry);
      const forget = () => this.#forget(project, key, entry);
      entry.promise.then(forget, forget);
    } else {
      this.#joined += 1;
    }
    return join(shared, options.signal) as Promise<T>;
  }

  /** A change to this project is over: reads that start from now on do not join the GETs in flight. */
  changed(projectId: string): void {
    this.#byProject.delete(projectId.toLowerCase());
  }

  /** Reads that joined a GET already in flight instead of sending their own, since the start. */
  get joined(): number {
    return this.#joined;
  }

  #forget(project: string, key: string, entry: SharedRead): void {
    const reads = this.#byProject.get(project);
    // A newer GET may have taken the key since (after a change): leave it alone.
    if (reads?.get(key) !== entry) return;
    reads.delete(key);
    if (reads.size === 0) this.#byProject.delete(project);
  }
}

function join(shared: SharedRead, signal: AbortSignal | undefined): Promise<unknown> {
  shared.readers += 1;
  if (signal === undefined) return shared.promise;
  return new Promise((resolve, reject) => {
    const stopWatching = onAbort(signal, () => {
      shared.readers -= 1;
      if (shared.readers === 0) shared.controller.abort(signal.reason);
      reject(abandoned(signal));
    });
    shared.promise.then(
      (value) => {
        stopWatching();
        resolve(value);
      },
      (error: unknown) => {
        stopWatching();
        reject(error);
      },
    );
  });
}
