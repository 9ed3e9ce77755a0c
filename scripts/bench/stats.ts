/** Latencies in fractional milliseconds, kept whole (a run has at most a few hundred thousand). */
export class LatencyRecorder {
  #values = new Float64Array(1024);
  #count = 0;

  record(ms: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count] = ms;
    this.#count += 1;
  }

  /** One recorder holding the values of several (the runs against each of several replicas). */
  static merged(recorders: readonly LatencyRecorder[]): LatencyRecorder {
    const merged = new LatencyRecorder();
    for (const recorder of recorders) {
      for (let index = 0; index < recorder.#count; index += 1) merged.record(recorder.#values[index] ?? 0);
    }
    return merged;
  }

  get count(): number {
    return this.#count;
  }

  /** Nearest-rank percentiles, e.g. percentiles([50, 99]); NaN when nothing was recorded. */
  percentiles(ranks: readonly number[]): number[] {
    const sorted = this.#values.slice(0, this.#count).sort();
    return ranks.map((rank) => {
      if (sorted.length === 0) return Number.NaN;
      const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
      return sorted[index] ?? Number.NaN;
    });
  }
}

/** What one load run (autocannon against the gateway, or the baseline loop) reports. */
export interface LoadResult {
  /** Operations that succeeded (2xx without GraphQL errors, or every upstream call 2xx). */
  ok: number;
  failed: number;
  /** From the start to the last response, in seconds. */
  wallS: number;
  latencies: LatencyRecorder;
  firstResponseAfterS: number;
}

/** Several concurrent runs as one: their operations add up, the wall time is the longest. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  return {
    ok: results.reduce((sum, result) => sum + result.ok, 0),
    failed: results.reduce((sum, result) => sum + result.failed, 0),
    wallS: Math.max(...results.map((result) => result.wallS)),
    latencies: LatencyRecorder.merged(results.map((result) => result.latencies)),
    firstResponseAfterS: Math.min(...results.map((result) => result.firstResponseAfterS)),
  };
}

export const round = (value: number, digits = 2): number => {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** a / b rounded, NaN when it means nothing (b zero, either not finite). */
export const ratio = (a: number, b: number, digits = 2): number =>
  b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? Number.NaN : round(a / b, digits);
