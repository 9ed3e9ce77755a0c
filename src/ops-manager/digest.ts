import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import DigestFetch from 'digest-fetch';
import { type Clock, systemClock } from '../clock.ts';
import { type DigestChallenge, parseDigestChallenge, quote } from './digest-challenge.ts';
import type { Send, UpstreamRequest, UpstreamResponse } from './transport.ts';

export interface DigestClientOptions {
  /** The key pair. The private key is never logged, nor anything derived from it (HA1, the response). */
  credentials: { username: string; password: string };
  /** Source of the cnonce. @default node:crypto randomBytes */
  randomBytes?: (size: number) => Uint8Array;
  logger?: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void } | undefined;
  /** Tells an idle spell, and ends a hold. @default systemClock */
  clock?: Pick<Clock, 'now' | 'after'> | undefined;
}

/** Since the client was made: calls, HTTP requests, Digest challenges, stale renewals of the shared nonce. */
export type DigestStats = { logicalRequests: number; httpRequests: number; challenges: number; staleRenewals: number };

/** A server nonce, its count (taken at signing), whether the server took it once, whether one request at a time uses it. */
type Nonce = { challenge: DigestChallenge; count: number; accepted: boolean; own: boolean };

/** HTTP requests one logical request may cost (one more when a nonce the server took expires): a bound whatever the server answers. */
const MAX_REQUESTS = 3;
/** Nonces of their own kept for later calls (more than requests in flight are never used). */
const MAX_LANES = 256;
/** Idle this long, the connections may be gone (Node and Apache close idle ones after 5 s, undici after 4 s). */
const IDLE_RESET_MS = 4_000;
/** How long a pilot, or a request that may open a connection, holds the others back: one that hangs times out alone. */
export const MAX_HOLD_MS = 1_000;
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** 128 random bits as hex, drawn from 4 KiB of node:crypto refilled when used up: one system call per 256 cnonces. */
let entropy = Buffer.alloc(0);
let drawn = 0;
function pooledCnonce(): string {
  if (drawn + 16 > entropy.length) [entropy, drawn] = [randomBytes(4096), 0];
  drawn += 16;
  return entropy.toString('hex', drawn - 16, drawn);
}

/**
 * An HTTP Digest client (RFC 7616: MD5, MD5-sess, qop auth and auth-int) shared by concurrent requests, for servers
 * refusing a nonce count not above the highest seen (Apache's AuthDigestNcCheck, the simulator). docs/digest.md: each
 * mechanism beyond a plain client and the test that fails without it; why digest-fetch only keeps the keys and HA1.
 */
export class DigestClient {
  readonly #stats: DigestStats = { logicalRequests: 0, httpRequests: 0, challenges: 0, staleRenewals: 0 };
  /** The counts, live: copy them to keep a moment's. */
  readonly stats: Readonly<DigestStats> = this.#stats;
  readonly #keys: DigestFetch;
  readonly #ha1 = new Map<string, string>();
  readonly #options: DigestClientOptions;
  #shared: Nonce | undefined;
  /** Idle nonces of their own, each used by one request at a time: counts that nothing can overtake. */
  readonly #lanes: Nonce[] = [];
  /** The server answered an unsigned request without asking for Digest. */
  #open = false;
  /** The call flying the cold probe or a new shared nonce, until its verdict. */
  #pilot: object | undefined;
  #inFlight = 0;
  #openers = 0;
  #warm = 0;
  #idleSince = 0;
  /** Emits whenever a hold ends: a pilot landed, a possible opener is back, or a hold's time is up. */
  readonly #changed = new EventEmitter().setMaxListeners(0);

  constructor(options: DigestClientOptions) {
    this.#keys = new DigestFetch(options.credentials.username, options.credentials.password, { algorithm: 'MD5' });
    this.#options = { ...options, clock: options.clock ?? systemClock, credentials: { username: '', password: '' } };
  }

  /** One logical request through `next`: at most three HTTP requests, and the challenges met on the way. */
  async send(request: UpstreamRequest, next: Send): Promise<{ response: UpstreamResponse; challenges: number }> {
    this.#stats.logicalRequests += 1;
    const call = {};
    let challenges = 0;
    let nonce: Nonce | undefined;
    let refused = false;
    let land: (() => void) | undefined;
    const fly = () => {
      this.#pilot = call;
      land = this.#hold(() => (this.#pilot = undefined)); // a hold ends once, while this call is still the pilot
    };
    try {
      // Cold, the first call probes, as the pilot; a call finding a pilot in flight waits for it to land.
      await this.#until(request.signal, () => {
        if (this.#pilot !== undefined) return false;
        if (this.#shared === undefined && !this.#open) fly();
        return true;
      });
      nonce = this.#lanes.pop() ?? this.#shared;
      let budget = MAX_REQUESTS;
      for (let attempt = 1; ; attempt += 1) {
        if (nonce !== undefined && nonce === this.#shared) {
          const ready = () => (this.#pilot === undefined || this.#pilot === call) && this.#openers === 0;
          await this.#until(request.signal, ready, true);
          nonce = this.#shared;
        }
        const response = await this.#sendOnce(request, nonce, next);
        const challenge =
          response.status === 401 ? parseDigestChallenge(response.headers['www-authenticate']) : undefined;
        if (challenge === undefined) {
          if (nonce !== undefined) nonce.accepted = true;
          else if (this.#shared === undefined) this.#open = true;
          return { response, challenges };
        }
        challenges += 1;
        this.#stats.challenges += 1;
        // A nonce the server took, now expired: renewing it is routine, and costs this call no attempt.
        if (challenge.stale && nonce?.accepted && budget === MAX_REQUESTS) budget += 1;
        if (attempt === budget) {
          refused = true;
          this.#options.logger?.warn({ method: request.method }, 'digest: answer refused, returning the 401');
          return { response, challenges };
        }
        const shared = this.#shared;
        nonce = this.#after(nonce, challenge, budget - attempt);
        if (this.#shared !== shared && this.#pilot === undefined) fly();
      }
    } finally {
      // A nonce of its own goes back for the next call, even after an abort on the wire (its next count is still good).
      if (nonce?.own && !refused && this.#lanes.length < MAX_LANES) this.#lanes.push(nonce);
      land?.();
    }
  }

  /** Holds the others back until the returned release, MAX_HOLD_MS at most; `end` runs once, then they go on. */
  #hold(end: () => void): () => void {
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      cancel();
      end();
      this.#changed.emit('change');
    };
    const cancel = this.#options.clock!.after(MAX_HOLD_MS, release);
    return release;
  }

  /** The nonce for the next attempt after a challenge to one signed with `used` (undefined: unsigned, a probe). */
  #after(used: Nonce | undefined, challenge: DigestChallenge, left: number): Nonce | undefined {
    const fresh: Nonce = { challenge, count: 0, accepted: false, own: true };
    const current = this.#shared;
    // A nonce of its own, renewed or refused: used by this request alone, the 401's nonce replaces it.
    if (used?.own) return fresh;
    if (challenge.stale) {
      if (current !== used && current !== undefined) return current;
      this.#stats.staleRenewals += 1;
    } else if (used?.accepted) {
      // An overtaken count: a probe (if this call can afford it) gets it a nonce and an opaque of its own.
      return left >= 2 ? undefined : fresh;
    } else if (current !== used) {
      return fresh;
    }
    // The first challenge, a renewal, or a nonce the server never took: everyone moves to the fresh one.
    this.#shared = { ...fresh, own: false };
    this.#open = false;
    this.#options.logger?.debug({ realm: challenge.realm, stale: challenge.stale }, 'digest: new shared nonce');
    return this.#shared;
  }

  /** Waits until `ready()`; with `tick`, a turn of the event loop first each time (undici frees a connection a tick after its response). */
  async #until(signal: AbortSignal | undefined, ready: () => boolean, tick = false): Promise<void> {
    for (;;) {
      if (tick) await new Promise((resolve) => setImmediate(resolve));
      if (this.#inFlight === 0 && this.#options.clock!.now() - this.#idleSince > IDLE_RESET_MS) this.#warm = 0;
      if (ready()) return;
      // `once` rejects with its own AbortError: callers expect the signal's reason (the deadline).
      await once(this.#changed, 'change', { signal }).catch(() => signal?.throwIfAborted());
    }
  }

  async #sendOnce(request: UpstreamRequest, nonce: Nonce | undefined, next: Send): Promise<UpstreamResponse> {
    request.signal?.throwIfAborted();
    const headers =
      nonce === undefined
        ? request.headers
        : { ...request.headers, authorization: this.#authorization(request, nonce) };
    const opener = this.#inFlight >= this.#warm;
    const release = opener ? this.#hold(() => (this.#openers -= 1)) : undefined;
    this.#inFlight += 1;
    if (opener) this.#openers += 1;
    this.#stats.httpRequests += 1;
    try {
      const response = await next({ ...request, headers });
      if (opener) this.#warm += 1;
      return response;
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#idleSince = this.#options.clock!.now();
      release?.();
    }
  }

  /** The Authorization value for one request (RFC 7616 §3.4): the nonce's count is taken here, at signing. */
  #authorization(request: UpstreamRequest, nonce: Nonce): string {
    const { challenge } = nonce;
    const { pathname, search } = new URL(request.url);
    const uri = `${pathname}${search}`;
    const nc = (++nonce.count).toString(16).padStart(8, '0');
    const random = this.#options.randomBytes;
    const cnonce = random ? Buffer.from(random(16)).toString('hex') : pooledCnonce();
    const keys = this.#keys;
    let ha1 = this.#ha1.get(challenge.realm) ?? String(keys.computeHash(keys.user, challenge.realm, keys.password));
    this.#ha1.set(challenge.realm, ha1);
    if (challenge.session) ha1 = md5(`${ha1}:${challenge.nonce}:${cnonce}`);
    const ha2 = md5(`${request.method}:${uri}${challenge.qop === 'auth-int' ? `:${md5(request.body ?? '')}` : ''}`);
    const response = md5(`${ha1}:${challenge.nonce}:${challenge.qop ? `${nc}:${cnonce}:${challenge.qop}:` : ''}${ha2}`);
    const parts = [
      `username=${quote(String(this.#keys.user))}, realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}, uri=${quote(uri)}`,
      challenge.algorithm !== undefined && `algorithm=${challenge.algorithm}`,
      challenge.qop !== undefined && `qop=${challenge.qop}, nc=${nc}, cnonce=${quote(cnonce)}`,
      `response=${quote(response)}`,
      challenge.opaque !== undefined && `opaque=${quote(challenge.opaque)}`,
    ];
    return `Digest ${parts.filter(Boolean).join(', ')}`;
  }
}
