/**
 * A concurrency cap whose waiting line is fair across callers: when every slot is taken, the next free slot goes to the
 * next caller in turn (round robin over the callers with work waiting), and each caller's own calls keep their order.
 * One caller with sixty-four calls waiting and another with one alternate, instead of the one waiting behind the
 * sixty-four (first come, first served, as p-limit does, which `fair: false` gives for comparison). A waiting call
 * whose signal aborts leaves the line at once: it never takes a slot it can no longer use.
 */
export class FairQueue {
  readonly #concurrency: number;
  readonly #fair: boolean;
  /** One line per caller, in the order callers joined the rotation (Map keeps insertion order). */
  readonly #lines = new Map<string, Array<() => void>>();
  #active = 0;
  #pending = 0;

  constructor(options: { concurrency: number; fair?: boolean | undefined }) {
    this.#concurrency = options.concurrency;
    this.#fair = options.fair ?? true;
  }

  /** Calls holding a slot. */
  get activeCount(): number {
    return this.#active;
  }

  /** Calls waiting for one. */
  get pendingCount(): number {
    return this.#pending;
  }

  /**
   * Runs `task` when a slot is free and it is `caller`'s turn. Rejects with `onAbort(signal)`'s
   * error, without running the task, when the signal aborts while it waits.
   */
  async run<T>(
    caller: string,
    task: () => Promise<T>,
    options: { signal?: AbortSignal | undefined; onAbort: (signal: AbortSignal) => Error },
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw options.onAbort(signal);
    if (this.#active >= this.#concurrency || this.#pending > 0)
      await this.#wait(this.#fair ? caller : '', signal, options.onAbort);
    else this.#active += 1;
    try {
      return await task();
    } finally {
      this.#active -= 1;
      this.#next();
    }
  }

  #wait(line: string, signal: AbortSignal | undefined, onAbort: (signal: AbortSignal) => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = this.#lines.get(line) ?? [];
      const start = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        waiting.splice(waiting.indexOf(start), 1);
        if (waiting.length === 0 && this.#lines.get(line) === waiting) this.#lines.delete(line);
        this.#pending -= 1;
        reject(onAbort(signal!));
      };
      this.#lines.set(line, waiting).get(line)!.push(start);
      this.#pending += 1;
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  /** Gives free slots to the first callers in the rotation, each then sent to the back of it. */
  #next(): void {
    while (this.#active < this.#concurrency && this.#pending > 0) {
      const [caller, waiting] = this.#lines.entries().next().value!;
      const start = waiting.shift()!;
      this.#lines.delete(caller);
      if (waiting.length > 0) this.#lines.set(caller, waiting);
      this.#pending -= 1;
      this.#active += 1;
      start();
    }
  }
}
