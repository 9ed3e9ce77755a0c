import { createHash, randomBytes } from 'node:crypto';
import DigestFetch from 'digest-fetch';
import { type Clock, systemClock } from '../clock.ts';
import { type DigestChallenge, parseDigestChallenge, quote } from './digest-challenge.ts';
import {
  asFetch,
  type FetchLike,
  type Send,
  type UpstreamRequest,
  type UpstreamResponse,
  viaFetch,
} from './transport.ts';

export { DigestChallengeError } from './digest-challenge.ts';

export interface DigestCredentials {
  /** The Ops Manager public API key. */
  username: string;
  /** The private API key. Never logged, nor anything derived from it (HA1, the response). */
  password: string;
}

export interface DigestClientOptions {
  credentials: DigestCredentials;
  /** What `fetch` sends with (a test's or the benchmark's pool); the pipeline passes its own to `send`. */
  fetch?: FetchLike | undefined;
  /** Source of the cnonce. @default node:crypto randomBytes */
  randomBytes?: (size: number) => Uint8Array;
  logger?: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void } | undefined;
  /** To tell an idle spell. @default systemClock */
  clock?: Pick<Clock, 'now'> | undefined;
}

/** Counters since the client was made. */
export interface DigestStats {
  logicalRequests: number;
  /** HTTP requests sent, probes and retries included. */
  httpRequests: number;
  /** 401 answers that carried a Digest challenge. */
  challenges: number;
  /** Shared nonces renewed because the server called them stale. */
  staleRenewals: number;
}

/** One logical request's answer, and how many Digest challenges it met on the way. */
export interface DigestAnswer {
  response: UpstreamResponse;
  challenges: number;
}

/** A server nonce, its count taken at send time, and whether the server has taken an answer signed with it. */
interface Nonce {
  challenge: DigestChallenge;
  count: number;
  accepted: boolean;
}

/** No logical request costs more than this many HTTP requests, whatever the server answers. */
const MAX_REQUESTS = 3;
/** Idle this long, the connections may be gone (Node and Apache close idle ones after 5 s, undici after 4 s). */
const IDLE_RESET_MS = 4_000;
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * An HTTP Digest client (RFC 7616, MD5 and MD5-sess, qop auth and auth-int) that stays correct when
 * many requests share it, against servers that refuse a nonce count not above the highest seen
 * (Apache's AuthDigestNcCheck, the simulator). What it adds to a plain client, each for a test:
 *
 * - the nonce count is taken when a request is signed, so concurrent requests never share one
 *   (digest-fetch bumps it after the answer: concurrent requests send the same count, refused);
 * - one probe when cold: the first request goes unsigned, the others wait for its challenge
 *   (N cold requests cost N+1, not 2N);
 * - stale=true renews the shared nonce once, for everyone signed with it;
 * - a count refused on a nonce the server had taken was overtaken by a later one (requests on new
 *   connections, a server checking in threads): the request gets a nonce of its own through an
 *   unauthenticated probe. Apache counts per opaque, and a 401 to a request carrying one resets
 *   that count: signing the retry with that 401's nonce would race the others again.
 *
 * digest-fetch keeps the key pair and computes HA1; its own fetch cannot be used (the count
 * above, regex challenge parsing that reads `nonce` out of `cnonce`, Math.random cnonces).
 * It does not cap requests in flight: the resilience step does.
 */
export class DigestClient {
  readonly #stats: DigestStats = { logicalRequests: 0, httpRequests: 0, challenges: 0, staleRenewals: 0 };
  readonly #keys: DigestFetch;
  readonly #ha1 = new Map<string, string>();
  readonly #fetch: Send | undefined;
  readonly #randomBytes: (size: number) => Uint8Array;
  readonly #log: DigestClientOptions['logger'];
  /** The nonce every request signs with, once a challenge came. */
  #shared: Nonce | undefined;
  /** The server answered an unsigned request without asking for Digest. */
  #open = false;
  /** Settles when the request flying a new shared nonce (or the cold probe) has its verdict. */
  #pilot: Promise<void> | undefined;
  /** Requests of this client in flight, those that may be opening a connection, connections known open. */
  #inFlight = 0;
  #openers = 0;
  #warm = 0;
  #idleSince = 0;
  #wake: () => void = () => {};
  /** Resolves when a request that may have opened a connection is back. */
  #openerBack = new Promise<void>((resolve) => {
    this.#wake = resolve;
  });
  readonly #now: () => number;

  constructor(options: DigestClientOptions) {
    const { username, password } = options.credentials;
    this.#keys = new DigestFetch(username, password, { algorithm: 'MD5' });
    this.#fetch = options.fetch && viaFetch(options.fetch);
    this.#randomBytes = options.randomBytes ?? randomBytes;
    this.#log = options.logger;
    const clock = options.clock ?? systemClock;
    this.#now = () => clock.now();
  }

  get stats(): DigestStats {
    return { ...this.#stats };
  }

  /**
   * WHATWG fetch through the constructor's `fetch`: the server's response, a final 401 included.
   * Rejects on network errors, abort, and a challenge it cannot answer. `init.body`: a string.
   */
  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const send = this.#fetch;
    if (send === undefined) throw new TypeError('DigestClient: no fetch given to the constructor');
    if (init.body != null && typeof init.body !== 'string')
      throw new TypeError('DigestClient: init.body must be a string, so that it can be sent again after a challenge');
    return asFetch((request) => this.send(request, send).then((answer) => answer.response))(input, init);
  }

  /** One logical request through `next`: at most three HTTP requests. */
  async send(request: UpstreamRequest, next: Send): Promise<DigestAnswer> {
    this.#stats.logicalRequests += 1;
    let challenges = 0;
    let release: (() => void) | undefined;
    // This call flies a new shared nonce (or the cold probe) alone; the others wait for its verdict.
    const pilot = (): void => {
      if (this.#pilot !== undefined) return;
      const gate: Promise<void> = new Promise((resolve) => {
        release = () => {
          if (this.#pilot === gate) this.#pilot = undefined;
          resolve();
        };
      });
      this.#pilot = gate;
    };
    try {
      while (this.#pilot !== undefined) await untilSettled(this.#pilot, request.signal);
      let nonce = this.#shared;
      if (nonce === undefined && !this.#open) pilot();
      for (let attempt = 1; ; attempt += 1) {
        const sent = await this.#sendOnce(request, nonce, next, release !== undefined);
        const { response } = sent;
        nonce = sent.nonce;
        const challenge =
          response.status === 401 ? parseDigestChallenge(response.headers['www-authenticate'] ?? null) : undefined;
        if (challenge === undefined) {
          if (nonce !== undefined) nonce.accepted = true;
          else if (this.#shared === undefined) this.#open = true;
          return { response, challenges };
        }
        challenges += 1;
        this.#stats.challenges += 1;
        if (attempt === MAX_REQUESTS) {
          this.#log?.warn({ method: request.method, status: 401 }, 'digest: answer refused, returning the 401');
          return { response, challenges };
        }
        const previous = this.#shared;
        nonce = this.#after(nonce, challenge, attempt);
        if (this.#shared !== previous) pilot();
      }
    } finally {
      release?.();
    }
  }

  /** The nonce to send the next attempt with, after a challenge to one signed with `used` (undefined: unsigned). */
  #after(used: Nonce | undefined, challenge: DigestChallenge, attempt: number): Nonce | undefined {
    const fresh: Nonce = { challenge, count: 0, accepted: false };
    const current = this.#shared;
    if (challenge.stale) {
      if (current !== used && current !== undefined) return current;
      this.#stats.staleRenewals += 1;
    } else if (used?.accepted) {
      // An overtaken count: a probe gets this request a nonce (and an opaque) of its own.
      if (attempt + 2 <= MAX_REQUESTS) return undefined;
      return fresh;
    } else if (current !== used) {
      return fresh;
    }
    // The first challenge, a renewal, or a nonce the server never took: everyone moves to the fresh one.
    this.#shared = fresh;
    this.#open = false;
    this.#log?.debug(
      { realm: challenge.realm, qop: challenge.qop, stale: challenge.stale },
      'digest: new shared nonce',
    );
    return fresh;
  }

  /**
   * Sends one HTTP request, signed with `nonce` if any. A count is only overtaken by a later one
   * that travels on a connection already open while it opens a new one; so a request signed with
   * the shared nonce waits while a request that may be opening a connection (one sent with more in
   * flight than connections known open) is out, and goes last when it opens one itself. The pool
   * then grows by one connection per round trip; warm, nothing waits. After an idle spell the
   * server may have closed the connections: they are counted again from none.
   */
  async #sendOnce(
    request: UpstreamRequest,
    nonce: Nonce | undefined,
    next: Send,
    piloting: boolean,
  ): Promise<{ response: UpstreamResponse; nonce: Nonce | undefined }> {
    const shared = nonce !== undefined && nonce === this.#shared;
    for (;;) {
      // undici puts a connection back in its pool a tick after its answer: count it free then.
      if (shared) await new Promise((resolve) => setImmediate(resolve));
      if (this.#inFlight === 0 && this.#now() - this.#idleSince > IDLE_RESET_MS) this.#warm = 0;
      const wait = !shared
        ? undefined
        : ((piloting ? undefined : this.#pilot) ?? (this.#openers > 0 ? this.#openerBack : undefined));
      if (wait === undefined) break;
      await untilSettled(wait, request.signal);
      // A newer shared nonce may have come meanwhile.
      nonce = this.#shared;
    }
    request.signal?.throwIfAborted();
    let headers = request.headers;
    if (nonce !== undefined) {
      nonce.count += 1;
      headers = { ...headers, authorization: this.#authorization(request, nonce) };
    }
    const opener = this.#inFlight >= this.#warm;
    this.#inFlight += 1;
    if (opener) this.#openers += 1;
    this.#stats.httpRequests += 1;
    let answered = false;
    try {
      const response = await next({ ...request, headers });
      answered = true;
      return { response, nonce };
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#idleSince = this.#now();
      if (opener) {
        this.#openers -= 1;
        if (answered) this.#warm += 1;
        const back = this.#wake;
        this.#openerBack = new Promise((resolve) => {
          this.#wake = resolve;
        });
        back();
      }
    }
  }

  /** The Authorization value for one request: RFC 7616 §3.4. */
  #authorization(request: UpstreamRequest, { challenge, count }: Nonce): string {
    const url = new URL(request.url);
    const uri = `${url.pathname}${url.search}`;
    const nc = count.toString(16).padStart(8, '0');
    const cnonce = Buffer.from(this.#randomBytes(16)).toString('hex');
    let ha1 = this.#ha1.get(challenge.realm);
    if (ha1 === undefined) {
      ha1 = String(this.#keys.computeHash(this.#keys.user, challenge.realm, this.#keys.password));
      this.#ha1.set(challenge.realm, ha1);
    }
    if (challenge.session) ha1 = md5(`${ha1}:${challenge.nonce}:${cnonce}`);
    const a2 =
      challenge.qop === 'auth-int' ? `${request.method}:${uri}:${md5(request.body ?? '')}` : `${request.method}:${uri}`;
    const ha2 = md5(a2);
    const response =
      challenge.qop === undefined
        ? md5(`${ha1}:${challenge.nonce}:${ha2}`)
        : md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`);
    const parts = [
      `username=${quote(String(this.#keys.user))}`,
      `realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}`,
      `uri=${quote(uri)}`,
    ];
    if (challenge.algorithm !== undefined) parts.push(`algorithm=${challenge.algorithm}`);
    if (challenge.qop !== undefined) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    parts.push(`response=${quote(response)}`);
    if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

/** Resolves when `settled` does; rejects with the signal's reason if it aborts first. */
function untilSettled(settled: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return settled;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
