import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import DigestFetch from 'digest-fetch';
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
  /** The WHATWG fetch that carries the requests (undici's, or a test fake). Globals are never touched. */
  fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
  /** Source of the cnonce. @default node:crypto randomBytes */
  randomBytes?: (size: number) => Uint8Array;
  logger?: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Clock in ms, to tell when idle keep-alive connections are probably gone. @default Date.now */
  now?: () => number;
}

/** Counters since the client was made; read them, don't write them. */
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

/** No logical request costs more than this many HTTP requests, whatever the server answers. */
const MAX_HTTP_REQUESTS_PER_CALL = 3;
const CNONCE_BYTES = 16;

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * The RFC 2617 request-digest for qop=auth (or RFC 2069's when `qop` is empty), MD5. A pure
 * function for known-answer tests; the client computes the same thing with digest-fetch's hashing.
 */
export function digestResponse(p: {
  username: string; password: string; realm: string; method: string; uri: string;
  nonce: string; nc: string; cnonce: string; qop: string;
}): string {
  const ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  return p.qop === '' ? md5(`${ha1}:${p.nonce}:${ha2}`) : md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

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
 * Built on digest-fetch's class: its constructor keeps the credentials and picks the hash, and its
 * `hashWithAlgorithm`/`computeHash` do the MD5. What it gets wrong when requests overlap (one
 * shared nc bumped after the response, no single flight, a failed retry wiping the shared state,
 * Math.random cnonces, crashes on URL objects) is replaced: the nonce state lives in a NonceScheduler,
 * and each request signs with its own count. Only `fetch` is meant to be called; the inherited
 * `addAuth`/`parseAuth` keep digest-fetch's single shared state and are not used.
 *
 * It does not limit how many requests are in flight: callers cap that (OpsManagerClient does, with
 * UPSTREAM_MAX_IN_FLIGHT). On a server that refuses counts arriving out of order, the session
 * moves to one nonce per request in flight, and each nonce costs one unauthenticated probe the
 * first time that many requests overlap: an unbounded burst would pay one probe per request.
 */
export class DigestClient extends DigestFetch {
  readonly stats: DigestStats = { logicalRequests: 0, httpRequests: 0, challenges: 0, staleRenewals: 0 };
  readonly #fetch: DigestClientOptions['fetch'];
  readonly #randomBytes: (size: number) => Uint8Array;
  readonly #log: DigestClientOptions['logger'];
  readonly #scheduler: NonceScheduler;
  /** HA1 per realm: a password equivalent, so it stays in this private field and is never logged. */
  readonly #ha1ByRealm = new Map<string, string>();

  constructor(options: DigestClientOptions) {
    super(options.credentials.username, options.credentials.password, { algorithm: 'MD5' });
    this.#fetch = options.fetch;
    this.#randomBytes = options.randomBytes ?? pooledRandomBytes();
    this.#log = options.logger;
    this.#scheduler = new NonceScheduler({ now: options.now ?? Date.now });
  }

  /** digest-fetch would reach for the global fetch or import node-fetch; we only use the injected one. */
  override async getClient(): Promise<typeof fetch> {
    return this.#fetch as typeof fetch;
  }

  /**
   * MD5 from node:crypto. digest-fetch hashes with the `md5` package, pure JavaScript over byte
   * arrays: with the pooled cnonce below, a sixth of each upstream call's CPU here.
   */
  override hashWithAlgorithm(data: string): string {
    return md5(data);
  }

  /** A cnonce from a cryptographic source (digest-fetch uses Math.random). */
  override makeNonce(): string {
    return Buffer.from(this.#randomBytes(CNONCE_BYTES)).toString('hex');
  }

  /**
   * Same contract as fetch: resolves with the server's response, 401 included when the credentials
   * are refused, and rejects on network errors, on abort, and on a challenge it cannot answer
   * (DigestChallengeError). `init.body` must be a string (or absent) so it can be sent again.
   */
  override async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    this.stats.logicalRequests += 1;
    const request = prepare(input, init);
    const call: CallToken = {};
    try {
      return await this.#run(request, call);
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
  async #run(request: PreparedRequest, call: CallToken): Promise<Response> {
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
        response = await this.#send(request, session);
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
        else if (lease.kind === 'open' || (lease.kind === 'probe' && lease.purpose === 'crowd')) this.#scheduler.noteChallengeless();
        if (lease.kind === 'lane') this.#scheduler.returnLane(lease.session);
        return response;
      }
      this.stats.challenges += 1;
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
        if (challenge.stale) this.stats.staleRenewals += 1;
        refusalRetried ||= refused;
      } else if (challenge.stale) {
        if (this.#adoptCrowd(challenge, lease.session, call, 'stale')) this.stats.staleRenewals += 1;
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
    this.#log?.warn({ method: request.method, uri: request.uri, status: response.status }, 'digest: answer refused, returning the 401');
    return response;
  }

  #send(request: PreparedRequest, session: NonceSession | undefined): Promise<Response> {
    // A fresh copy per attempt: the caller's headers are never touched, and a retry never
    // carries the previous attempt's Authorization.
    const headers = new Headers(request.headers);
    if (session !== undefined) headers.set('authorization', this.#authorization(request, session.challenge, session.nextCount()));
    this.stats.httpRequests += 1;
    return this.#fetch(request.href, { ...request.init, method: request.method, headers, body: request.body });
  }

  /** The Authorization value for one request: RFC 7616 §3.4 with MD5 or MD5-sess. */
  #authorization(request: PreparedRequest, challenge: DigestChallenge, nc: string): string {
    const hash = (text: string): string => this.hashWithAlgorithm(text);
    const cnonce = this.makeNonce();
    let ha1 = this.#ha1ByRealm.get(challenge.realm);
    if (ha1 === undefined) {
      ha1 = this.computeHash(this.user, challenge.realm, this.password) as string;
      this.#ha1ByRealm.set(challenge.realm, ha1);
    }
    if (challenge.session) ha1 = hash(`${ha1}:${challenge.nonce}:${cnonce}`);
    const a2 = challenge.qop === 'auth-int'
      ? `${request.method}:${request.uri}:${hash(request.body ?? '')}`
      : `${request.method}:${request.uri}`;
    const ha2 = hash(a2);
    const response = challenge.qop === undefined
      ? hash(`${ha1}:${challenge.nonce}:${ha2}`)
      : hash(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`);

    const parts = [
      `username=${quote(String(this.user))}`,
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
