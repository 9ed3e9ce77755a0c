/**
 * Atlas's per-project rate limit ("100 requests per minute per project" on some resources,
 * answered with 429 RATE_LIMITED and Retry-After): off unless a test or SIMULATOR_RATE_LIMIT_PER_MINUTE
 * turns it on. Each project has a one-minute window that starts at its first request; past
 * `perMinute` requests in it, the answer is 429 with Retry-After, the seconds until it ends.
 */
export class ProjectRateLimit {
  #perMinute: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { startedAt: number; count: number }>();

  constructor(perMinute: number, now: () => number) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  get perMinute(): number {
    return this.#perMinute;
  }

  /** 0 turns the limit off. Windows start again. */
  set(perMinute: number): void {
    if (!(Number.isInteger(perMinute) && perMinute >= 0))
      throw new RangeError(`rate limit must be an integer >= 0, got ${perMinute}`);
    this.#perMinute = perMinute;
    this.#windows.clear();
  }

  /** Counts a request to the project: undefined when it may go on, else the Retry-After seconds. */
  take(groupId: string): number | undefined {
    if (this.#perMinute === 0) return undefined;
    const now = this.#now();
    const key = groupId.toLowerCase();
    let window = this.#windows.get(key);
    if (window === undefined || now - window.startedAt >= 60_000) {
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.#perMinute) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000));
  }
}
