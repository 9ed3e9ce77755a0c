/** What the simulator has seen, so tests count upstream calls instead of guessing. */
export interface CounterSnapshot {
  /** Every request on the API paths, Digest challenges included; `/__simulator/` calls are not counted. */
  requests: number;
  /** 401 responses carrying WWW-Authenticate (first contact, stale nonce, wrong credentials, bad nc). */
  challenges: number;
  staleChallenges: number;
  /** Requests that passed Digest (or every API request when auth is 'none'). */
  authenticated: number;
  /** Authenticated requests by route, e.g. 'GET /groups/{groupId}/invites'. */
  byRoute: Record<string, number>;
  /** Authenticated requests by method and concrete path without query, e.g. 'GET /api/public/v1.0/groups/<id>/invites'. */
  byPath: Record<string, number>;
  /** Mutations that changed data (successful create, update, delete): checks "applied at most once". */
  applied: number;
}

export interface SimulatorCounters {
  snapshot(): CounterSnapshot;
  reset(): void;
}

export class RequestCounters implements SimulatorCounters {
  #counts = RequestCounters.#zero();

  static #zero(): CounterSnapshot {
    return { requests: 0, challenges: 0, staleChallenges: 0, authenticated: 0, byRoute: {}, byPath: {}, applied: 0 };
  }

  snapshot(): CounterSnapshot {
    return { ...this.#counts, byRoute: { ...this.#counts.byRoute }, byPath: { ...this.#counts.byPath } };
  }

  reset(): void {
    this.#counts = RequestCounters.#zero();
  }

  recordRequest(): void {
    this.#counts.requests += 1;
  }

  recordChallenge(stale: boolean): void {
    this.#counts.challenges += 1;
    if (stale) this.#counts.staleChallenges += 1;
  }

  /** `routeKey` is undefined for a path that matches no route (it still counts by path). */
  recordAuthenticated(routeKey: string | undefined, pathKey: string): void {
    this.#counts.authenticated += 1;
    if (routeKey !== undefined) this.#counts.byRoute[routeKey] = (this.#counts.byRoute[routeKey] ?? 0) + 1;
    this.#counts.byPath[pathKey] = (this.#counts.byPath[pathKey] ?? 0) + 1;
  }

  recordApplied(): void {
    this.#counts.applied += 1;
  }
}
