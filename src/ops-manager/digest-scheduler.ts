import type { DigestChallenge } from './digest-challenge.ts';
import { NonceSession } from './digest-session.ts';

/**
 * How one HTTP attempt goes out:
 * - `crowd`: signed with the shared nonce, with the next count;
 * - `lane`: signed with a nonce this request has to itself (see "lanes" below);
 * - `probe`: without Authorization, to get a challenge: the crowd's first nonce, or a new lane;
 * - `open`: without Authorization, because the server answered without asking for any.
 */
export type Lease =
  | { kind: 'crowd' | 'lane'; session: NonceSession; opener: boolean }
  | { kind: 'probe'; purpose: 'crowd' | 'lane'; opener: boolean }
  | { kind: 'open'; opener: boolean };

/** Identifies one logical request (one DigestClient.fetch call). */
export type CallToken = object;

export interface NonceSchedulerOptions {
  now: () => number;
  /**
   * After this long with nothing in flight, assume the keep-alive connections are gone (Node and
   * Apache close idle ones after 5 s, undici after 4 s) and ramp up again. @default 4000
   */
  idleResetMs?: number;
}

interface Gate {
  holder: CallToken;
  opened: Promise<void>;
  open: () => void;
}

const MAX_IDLE_LANES = 256;

/**
 * Decides, for every HTTP attempt, which nonce signs it and when it may go.
 *
 * Servers that check the nonce count (Apache's AuthDigestNcCheck, the Ops Manager simulator)
 * refuse a count that is not above the highest one they have seen for the nonce. Counts are unique
 * and rise in the order requests are signed, but that is not the order a server checks them in
 * when requests overlap, for two reasons this scheduler handles separately:
 *
 * 1. New connections. A request that has to open a connection arrives after requests signed later
 *    on connections that are already open. So while one request may be opening a connection (it
 *    went out when all known connections were busy: the `opener`), no other request is signed with
 *    the shared nonce; the opener carries the highest count so far and nothing can overtake it.
 *    The pool grows by one connection per round trip, and with open connections the order holds
 *    (measured: 3,000 calls at 50-way concurrency over a warm pool, no refusal).
 *
 * 2. Servers that check concurrently. Apache checks in worker threads, so even requests that
 *    arrive in order are checked out of order. When a count is refused on a nonce the server has
 *    already accepted, sharing a nonce cannot work with this server, and the scheduler switches
 *    (for good) to lanes: one nonce per request in flight, each used by one request at a time, so
 *    its counts arrive one by one. A lane costs one unauthenticated probe to create (Apache gives
 *    each probe its own opaque, the unit it counts per) and is reused by later requests.
 *
 * Every new shared nonce is first flown by one request, its pilot, while the others wait for its
 * verdict: the single flight of the first challenge (N cold requests cost N+1 HTTP requests) and of
 * each stale renewal. The pilot holds the gate until its whole call ends; if it ends without a
 * verdict (its caller aborted), the nonce is still pending and the next waiter pilots it instead.
 */
export class NonceScheduler {
  #crowd: NonceSession | undefined;
  #challengeless = false;
  #lanesOnly = false;
  readonly #idleLanes: NonceSession[] = [];
  #gate: Gate | undefined;
  #inFlight = 0;
  #warmConnections = 0;
  #crowdOpenersInFlight = 0;
  #idleSince: number;
  #changed = deferred();
  readonly #now: () => number;
  readonly #idleResetMs: number;

  constructor(options: NonceSchedulerOptions) {
    this.#now = options.now;
    this.#idleResetMs = options.idleResetMs ?? 4000;
    this.#idleSince = this.#now();
  }

  /** True once the server has shown it cannot take a shared nonce (see 2. above). */
  get lanesOnly(): boolean {
    return this.#lanesOnly;
  }

  /**
   * Waits until `call` may send its next attempt, and says how. `lane` is a lane the call already
   * holds (it just probed for it, or renewed it); `attemptsLeft` keeps a call that cannot afford a
   * probe and its signed retry from starting one. Rejects with the signal's reason on abort.
   */
  async lease(
    call: CallToken,
    signal: AbortSignal | undefined,
    attemptsLeft: number,
    lane?: NonceSession,
  ): Promise<Lease> {
    // A connection that has just delivered a response goes back to the pool a moment after its
    // fetch resolves (undici frees it on a later tick). A request dispatched in that moment opens a
    // new connection although one is about to be free, and may then be overtaken. One turn of the
    // event loop lets the pool settle, so "fewer in flight than warm connections" holds for real.
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      signal?.throwIfAborted();
      if (lane !== undefined) return this.#start({ kind: 'lane', session: lane, opener: false });
      // In lanes mode, a call with one attempt left cannot pay for a probe; with no idle lane it
      // falls through to the shared nonce below: a small risk of a refusal, never a third retry.
      if (this.#lanesOnly && (this.#idleLanes.length > 0 || attemptsLeft >= 2)) {
        const idle = this.#idleLanes.pop();
        return this.#start(
          idle ? { kind: 'lane', session: idle, opener: false } : { kind: 'probe', purpose: 'lane', opener: false },
        );
      }
      const gate = this.#gate;
      if (gate !== undefined && gate.holder !== call) {
        await untilSettledOrAborted(gate.opened, signal);
        continue;
      }
      const crowd = this.#crowd;
      if (crowd === undefined) {
        if (this.#challengeless) return this.#start({ kind: 'open', opener: false });
        this.#hold(call);
        return this.#start({ kind: 'probe', purpose: 'crowd', opener: false });
      }
      if (crowd.trial === 'pending') this.#hold(call);
      else if (this.#crowdOpenersInFlight > 0) {
        await untilSettledOrAborted(this.#changed.promise, signal);
        continue;
      }
      return this.#start({ kind: 'crowd', session: crowd, opener: false });
    }
  }

  /**
   * The attempt is over (`answered`: a response came back, so its connection is open and warm).
   * Must be called once per lease, before the call awaits anything else.
   */
  finish(lease: Lease, answered: boolean): void {
    this.#inFlight -= 1;
    if (lease.opener) {
      if (answered) this.#warmConnections += 1;
      if (lease.kind === 'crowd') this.#crowdOpenersInFlight -= 1;
    }
    if (this.#inFlight === 0) this.#idleSince = this.#now();
    this.#changed.resolve();
    this.#changed = deferred();
  }

  /**
   * Offers a challenge from a 401 as the new shared nonce. It is adopted only if the request that
   * got it was signed with the current one (`basis`; undefined for an unauthenticated request while
   * there is none): if someone already moved on, their newer nonce is kept, so N concurrent stale
   * answers make one renewal, not N. The adopter pilots the new nonce. Returns whether it was adopted.
   */
  offerCrowd(challenge: DigestChallenge, basis: NonceSession | undefined, call: CallToken): boolean {
    if (this.#crowd !== basis) return false;
    this.#crowd = new NonceSession(challenge);
    this.#challengeless = false;
    this.#hold(call);
    return true;
  }

  /** An unauthenticated request got an answer with nothing to sign: the others go unsigned too. */
  noteChallengeless(): void {
    if (this.#crowd === undefined) this.#challengeless = true;
  }

  /** A count was refused on a nonce the server had accepted: stop sharing nonces (see 2. above). */
  useLanesOnly(): void {
    this.#lanesOnly = true;
  }

  /** Puts a lane back for the next request that needs one. */
  returnLane(lane: NonceSession): void {
    if (this.#idleLanes.length < MAX_IDLE_LANES) this.#idleLanes.push(lane);
  }

  /** The call is over: if it was the pilot, the waiters may go. Safe to call for any call. */
  release(call: CallToken): void {
    const gate = this.#gate;
    if (gate === undefined || gate.holder !== call) return;
    this.#gate = undefined;
    gate.open();
  }

  #start<T extends Lease>(lease: T): T {
    if (this.#inFlight === 0 && this.#now() - this.#idleSince > this.#idleResetMs) this.#warmConnections = 0;
    // Going out while every known connection is busy means (probably) opening a new one.
    lease.opener = this.#inFlight >= this.#warmConnections;
    if (lease.opener && lease.kind === 'crowd') this.#crowdOpenersInFlight += 1;
    this.#inFlight += 1;
    return lease;
  }

  #hold(call: CallToken): void {
    if (this.#gate !== undefined) return;
    const { promise, resolve } = deferred();
    this.#gate = { holder: call, opened: promise, open: resolve };
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function untilSettledOrAborted(settled: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return settled;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
