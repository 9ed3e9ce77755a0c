import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import DigestFetch from 'digest-fetch';
import { type Clock, systemClock } from '../clock.ts';
import { type DigestChallenge, parseDigestChallenge, quote } from './digest-challenge.ts';
import { type CallToken, type Lease, NonceScheduler } from './digest-scheduler.ts';
import { NonceSession } from './digest-session.ts';

export { DigestChallengeError } from './digest-challenge.ts';

export interface DigestCredentials {
  /** The Ops Manager public API key. */
  username: string;
  /** The private API key. Never logged, nor anything derived from it (HA1, the response). */
  password: string;
}

export interface DigestClientOptions {
  credentials: DigestCredentials;
  /**
   * The WHATWG fetch that carries the requests (undici's, or a test fake), unless each call brings
   * its own (`send`, as the upstream pipeline does). Globals are never touched.
   */
  fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
  /** Source of the cnonce. @default node:crypto randomBytes */
  randomBytes?: (size: number) => Uint8Array;
  logger?: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** The clock, to tell when idle keep-alive connections are probably gone. @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

/** Counters since the client was made (a copy: reading it changes nothing). */
export interface DigestStats {
  /** Calls to DigestClient.fetch. */
  logicalRequests: number;
  /** HTTP requests actually sent, including unauthenticated probes and retries. */
  httpRequests: number;
  /** 401 answers that carried a Digest challenge. */
  challenges: number;
  /** Nonces renewed because the server called them stale: once per shared nonce, once per lane. */
  staleRenewals: number;
}

/** How one call is carried, when not by the client's own `fetch` (the upstream pipeline's Digest stage). */
export interface DigestCallOptions {
  /** Sends each HTTP request of this call. @default the client's `fetch` */
  send?: FetchLike | undefined;
  /** Told of every Digest challenge this call meets (the call's record). */
  cost?: { challenges: number } | undefined;
}

type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** No logical request costs more than this many HTTP requests, whatever the server answers. */
const MAX_HTTP_REQUESTS_PER_CALL = 3;
const CNONCE_BYTES = 16;

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * crypto.randomBytes, drawn from a 4 KiB buffer refilled when used up: one call into the system's
 * generator per 256 cnonces instead of one per request.
 */
function pooledRandomBytes(poolSize = 4096): (size: number) => Uint8Array {
  let pool = cryptoRandomBytes(poolSize);
  let offset = 0;
  return (size) => {
    if (size > poolSize) return cryptoRandomBytes(size);
    if (offset + size > poolSize) {
      pool = cryptoRandomBytes(poolSize);
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

/** A caller's request, read once, so that every attempt sends exactly the same thing. */
interface PreparedRequest {
  href: string;
  /** The request-target as fetch will send it: path and query, no fragment. */
  uri: string;
  method: string;
  body: string | undefined;
  headers: Headers;
  init: RequestInit;
}

/**
 * An HTTP Digest session over an injected fetch, correct under concurrency.
 *
 * It wraps digest-fetch rather than extending it. digest-fetch still serves as the keeper of the
 * key pair and the HA1 hash (its `computeHash`, MD5 over `user:realm:password`, computed once per
 * realm): its instance lives in a private field, so the credentials are reachable only through
 * this class, and its `fetch`, `addAuth` and `parseAuth` (one shared nonce count bumped after the
 * response, Math.random cnonces, regex challenge parsing, crashes on URL objects) cannot be
 * called. Everything else is this module's: the challenge is read by digest-challenge.ts, nonces
 * and counts are handed out by a NonceScheduler (each request signs with its own count), request
 * digests use node:crypto's MD5 (digest-fetch's pure-JavaScript MD5 cost a sixth of each upstream
 * call's CPU here), and cnonces come from a cryptographic source.
 *
 * It does not limit how many requests are in flight: callers cap that (the upstream pipeline's
 * in-flight stage, UPSTREAM_MAX_IN_FLIGHT). On a server that refuses counts arriving out of
 * order, the session moves to one nonce per request in flight, and each nonce costs one
 * unauthenticated probe the first time that many requests overlap: an unbounded burst would pay
 * one probe per request.
 */
export class DigestClient {
  readonly #stats: DigestStats = { logicalRequests: 0, httpRequests: 0, challenges: 0, staleRenewals: 0 };
  /** digest-fetch's client: holds the key pair, computes HA1. Never exposed. */
  readonly #keys: DigestFetch;
  readonly #fetch: FetchLike | undefined;
  readonly #randomBytes: (size: number) => Uint8Array;
  readonly #log: DigestClientOptions['logger'];
  readonly #scheduler: NonceScheduler;
  /** HA1 per realm: a password equivalent, so it stays in this private field and is never logged. */
  readonly #ha1ByRealm = new Map<string, string>();

  constructor(options: DigestClientOptions) {
    this.#keys = new DigestFetch(options.credentials.username, options.credentials.password, { algorithm: 'MD5' });
    this.#fetch = options.fetch;
    this.#randomBytes = options.randomBytes ?? pooledRandomBytes();
    this.#log = options.logger;
    const clock = options.clock ?? systemClock;
    this.#scheduler = new NonceScheduler({ now: () => clock.now() });
  }

  get stats(): DigestStats {
    return { ...this.#stats };
  }

  /**
   * Same contract as fetch: resolves with the server's response, 401 included when the credentials
   * are refused, and rejects on network errors, on abort, and on a challenge it cannot answer
   * (DigestChallengeError). `init.body` must be a string (or absent) so it can be sent again.
   */
  async fetch(input: string | URL, init: RequestInit = {}, via: DigestCallOptions = {}): Promise<Response> {
    const send = via.send ?? this.#fetch;
    if (send === undefined)
      throw new TypeError(
        'DigestClient: no fetch to send with (give `fetch` to the constructor or `send` to the call)',
      );
    this.#stats.logicalRequests += 1;
    const request = prepare(input, init);
    const call: CallToken = {};
    try {
      return await this.#run(request, call, send, via.cost);
    } finally {
      this.#scheduler.release(call);
    }
  }

  /**
   * One logical request: at most three HTTP requests. The retries, in the order they can happen:
   * - unauthenticated and challenged (the first request, or a probe for a lane): sign and send again;
   * - stale=true: the nonce expired; renew it (once for everyone sharing it) and send again;
   * - refused with stale=false: send again once. If the nonce had been accepted before, the refusal
   *   is about the count: another request with a higher count was checked first. With a shared
   *   nonce that means this server checks out of order, so the scheduler stops sharing nonces and
   *   the retry gets a nonce of its own. (Taking the fresh nonce from the 401 instead would also
   *   retire the nonce every other request in flight is using, on servers that keep only the
   *   newest nonce per client, as Apache does.) Otherwise the nonce itself may be unknown to the
   *   server, so the fresh one from the 401 is used.
   *   A second refusal is the caller's answer: wrong credentials fail once, cleanly, without a loop.
   */
  async #run(
    request: PreparedRequest,
    call: CallToken,
    send: FetchLike,
    cost: DigestCallOptions['cost'],
  ): Promise<Response> {
    const signal = request.init.signal ?? undefined;
    let refusalRetried = false;
    let lane: NonceSession | undefined;
    for (let attempt = 1; ; attempt += 1) {
      let lease: Lease;
      try {
        lease = await this.#scheduler.lease(call, signal, MAX_HTTP_REQUESTS_PER_CALL - attempt + 1, lane);
      } catch (error) {
        // Aborted while waiting: a lane this call had just obtained stays good for the next call.
        if (lane !== undefined) this.#scheduler.returnLane(lane);
        throw error;
      }
      lane = undefined;
      const session = lease.kind === 'crowd' || lease.kind === 'lane' ? lease.session : undefined;
      let response: Response | undefined;
      let challenge: DigestChallenge | undefined;
      try {
        response = await this.#send(request, session, send);
        if (response.status === 401) challenge = parseDigestChallenge(response.headers.get('www-authenticate'));
      } catch (error) {
        // A challenge we cannot answer: let the waiters find out in parallel, not one by one.
        if (response !== undefined && session === undefined) this.#scheduler.noteChallengeless();
        // Aborted or cut off on the wire, the request leaves its lane's nonce good: the next call
        // uses it rather than paying a probe for a new one. (Had the count not reached the server,
        // a server that wants every count in turn refuses the next one once, and its 401 carries
        // a fresh nonce: the same one extra request a probe would have cost.)
        if (lease.kind === 'lane' && response === undefined) this.#scheduler.returnLane(lease.session);
        throw error;
      } finally {
        // Before anything else is awaited, so the scheduler's count of requests in flight is exact.
        this.#scheduler.finish(lease, response !== undefined);
      }

      if (challenge === undefined) {
        if (session !== undefined) session.settle(response.status === 401 ? 'refused' : 'accepted');
        else if (lease.kind === 'open' || (lease.kind === 'probe' && lease.purpose === 'crowd'))
          this.#scheduler.noteChallengeless();
        if (lease.kind === 'lane') this.#scheduler.returnLane(lease.session);
        return response;
      }
      this.#stats.challenges += 1;
      if (cost !== undefined) cost.challenges += 1;
      const refused = session !== undefined && !challenge.stale;
      if (refused) session.settle('refused');
      if (attempt === MAX_HTTP_REQUESTS_PER_CALL || (refused && refusalRetried)) {
        if (lease.kind === 'lane') this.#scheduler.returnLane(lease.session);
        return this.#giveUp(request, response);
      }

      if (lease.kind === 'probe' && lease.purpose === 'lane') {
        lane = this.#newNonce(challenge, 'lane');
      } else if (lease.kind === 'probe' || lease.kind === 'open') {
        this.#adoptCrowd(challenge, undefined, call, 'challenge');
      } else if (lease.kind === 'lane') {
        // A lane is used by one request at a time, so nothing can overtake its counts: whether
        // stale or refused, the fresh nonce from the 401 is the one to continue with.
        lane = this.#newNonce(challenge, challenge.stale ? 'stale lane' : 'refused lane');
        if (challenge.stale) this.#stats.staleRenewals += 1;
        refusalRetried ||= refused;
      } else if (challenge.stale) {
        if (this.#adoptCrowd(challenge, lease.session, call, 'stale')) this.#stats.staleRenewals += 1;
      } else {
        refusalRetried = true;
        if (lease.session.trial === 'accepted') this.#stopSharingNonces(request);
        else this.#adoptCrowd(challenge, lease.session, call, 'refused');
      }
      await drain(response);
    }
  }

  #adoptCrowd(challenge: DigestChallenge, basis: NonceSession | undefined, call: CallToken, reason: string): boolean {
    const adopted = this.#scheduler.offerCrowd(challenge, basis, call);
    if (adopted) this.#log?.debug({ realm: challenge.realm, reason, qop: challenge.qop }, 'digest: new shared nonce');
    return adopted;
  }

  #newNonce(challenge: DigestChallenge, reason: string): NonceSession {
    this.#log?.debug({ realm: challenge.realm, reason, qop: challenge.qop }, 'digest: new lane nonce');
    return new NonceSession(challenge);
  }

  #stopSharingNonces(request: PreparedRequest): void {
    if (this.#scheduler.lanesOnly) return;
    this.#scheduler.useLanesOnly();
    this.#log?.warn(
      { method: request.method, uri: request.uri },
      'digest: the server refused an overtaken nonce count; using one nonce per request in flight from now on',
    );
  }

  #giveUp(request: PreparedRequest, response: Response): Response {
    this.#log?.warn(
      { method: request.method, uri: request.uri, status: response.status },
      'digest: answer refused, returning the 401',
    );
    return response;
  }

  #send(request: PreparedRequest, session: NonceSession | undefined, send: FetchLike): Promise<Response> {
    // A fresh copy per attempt: the caller's headers are never touched, and a retry never
    // carries the previous attempt's Authorization.
    const headers = new Headers(request.headers);
    if (session !== undefined)
      headers.set('authorization', this.#authorization(request, session.challenge, session.nextCount()));
    this.#stats.httpRequests += 1;
    return send(request.href, { ...request.init, method: request.method, headers, body: request.body });
  }

  /** The Authorization value for one request: RFC 7616 §3.4 with MD5 or MD5-sess. */
  #authorization(request: PreparedRequest, challenge: DigestChallenge, nc: string): string {
    const cnonce = Buffer.from(this.#randomBytes(CNONCE_BYTES)).toString('hex');
    let ha1 = this.#ha1ByRealm.get(challenge.realm);
    if (ha1 === undefined) {
      ha1 = String(this.#keys.computeHash(this.#keys.user, challenge.realm, this.#keys.password));
      this.#ha1ByRealm.set(challenge.realm, ha1);
    }
    if (challenge.session) ha1 = md5(`${ha1}:${challenge.nonce}:${cnonce}`);
    const a2 =
      challenge.qop === 'auth-int'
        ? `${request.method}:${request.uri}:${md5(request.body ?? '')}`
        : `${request.method}:${request.uri}`;
    const ha2 = md5(a2);
    const response =
      challenge.qop === undefined
        ? md5(`${ha1}:${challenge.nonce}:${ha2}`)
        : md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`);

    const parts = [
      `username=${quote(String(this.#keys.user))}`,
      `realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}`,
      `uri=${quote(request.uri)}`,
    ];
    if (challenge.algorithm !== undefined) parts.push(`algorithm=${challenge.algorithm}`);
    if (challenge.qop !== undefined) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    parts.push(`response=${quote(response)}`);
    if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

/**
 * Reads the caller's input once. The URL is parsed the way fetch parses it, so the `uri` we sign
 * is the request-target fetch sends (a `URL` object works too; digest-fetch crashes on one), and
 * the method is normalised the way fetch normalises it (only the six standard methods are
 * uppercased: a lowercase "patch" goes out as "patch", and must be signed as such).
 */
function prepare(input: string | URL, init: RequestInit): PreparedRequest {
  const url = new URL(input);
  const rawMethod = init.method ?? 'GET';
  const method = /^(delete|get|head|options|post|put)$/i.test(rawMethod) ? rawMethod.toUpperCase() : rawMethod;
  const { body } = init;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new TypeError('DigestClient: init.body must be a string, so that it can be sent again after a challenge');
  }
  return {
    href: url.href,
    uri: `${url.pathname}${url.search}`,
    method,
    body: body ?? undefined,
    headers: new Headers(init.headers),
    init,
  };
}

/** Reads an intermediate 401's body to the end, so its keep-alive connection can be reused. */
async function drain(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}
