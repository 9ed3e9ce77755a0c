/**
 * A concurrency cap whose waiting line is fair across callers: when every slot is taken, the
 * next free slot goes to the next caller in turn (round robin over the callers with work
 * waiting), and each caller's own calls keep their order. One caller with sixty-four calls
 * waiting and another with one therefore alternate, instead of the one call waiting behind
 * sixty-four (first come, first served, which p-limit does).
 *
 * A waiting call whose signal aborts (the caller left, the operation's deadline passed) leaves
 * the line at once: it never takes a slot it can no longer use.
 */
export interface FairQueueOptions {
  /** Calls running at once. */
  concurrency: number;
  /** false: one line for everybody, first come first served (the behaviour to compare with). @default true */
  fair?: boolean;
}

interface Waiter {
  start: () => void;
  /** Removes the waiter from its line; false when it already left it. */
  cancel: () => boolean;
}

export class FairQueue {
  readonly #concurrency: number;
  readonly #fair: boolean;
  /** One line per caller, in the order callers joined the rotation (Map keeps insertion order). */
  readonly #lines = new Map<string, Waiter[]>();
  #active = 0;
  #pending = 0;

  constructor(options: FairQueueOptions) {
    this.#concurrency = options.concurrency;
    this.#fair = options.fair ?? true;
  }

  /**
   * Runs `task` when a slot is free and it is `caller`'s turn. Rejects with `onAbort(signal)`'s
   * error, without running the task, when the signal aborts while it waits.
   */
  run<T>(
    caller: string,
    task: () => Promise<T>,
    options: { signal?: AbortSignal | undefined; onAbort: (signal: AbortSignal) => Error },
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(options.onAbort(signal));
    const go = async (): Promise<T> => {
      try {
        return await task();
      } finally {
        this.#active -= 1;
        this.#next();
      }
    };
    if (this.#active < this.#concurrency && this.#pending === 0) {
      this.#active += 1;
      return go();
    }
    return new Promise<T>((resolve, reject) => {
      const line = this.#fair ? caller : '';
      const onAbort = () => {
        if (waiter.cancel()) reject(options.onAbort(signal!));
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          go().then(resolve, reject);
        },
        cancel: () => {
          const waiting = this.#lines.get(line);
          const index = waiting?.indexOf(waiter) ?? -1;
          if (index < 0) return false;
          waiting!.splice(index, 1);
          if (waiting!.length === 0) this.#lines.delete(line);
          this.#pending -= 1;
          return true;
        },
      };
      const waiting = this.#lines.get(line);
      if (waiting) waiting.push(waiter);
      else this.#lines.set(line, [waiter]);
      this.#pending += 1;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives a free slot to the first caller in the rotation, then sends that caller to the back of it. */
  #next(): void {
    while (this.#active < this.#concurrency && this.#pending > 0) {
      const [caller, waiting] = this.#lines.entries().next().value!;
      const waiter = waiting.shift()!;
      this.#lines.delete(caller);
      if (waiting.length > 0) this.#lines.set(caller, waiting);
      this.#pending -= 1;
      this.#active += 1;
      waiter.start();
    }
  }

  /** Calls holding a slot, and calls waiting for one. */
  get activeCount(): number {
    return this.#active;
  }

  get pendingCount(): number {
    return this.#pending;
  }
}
