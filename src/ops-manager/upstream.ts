import { Agent, type Dispatcher } from 'undici';
import type { UpstreamConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type FetchLike, OpsManagerClient, type OpsManagerClientOptions } from './client.ts';
import { DigestClient } from './digest.ts';
import { countRoundTrip } from './round-trips.ts';
import type { ApiKey } from '../auth/caller.ts';

export interface Upstream {
  client: OpsManagerClient;
  digest: DigestClient;
  /**
   * Whether Ops Manager answers HTTP at all (any status, even 401): a cheap,
   * unauthenticated GET of the base URL, for the readiness check.
   */
  reachable(timeoutMs?: number): Promise<boolean>;
  /**
   * Passthrough mode: the client speaking with a caller's own API key. Each key (by its
   * fingerprint) has its own Digest session, so nonces never mix between callers and a wrong
   * key fails alone; the least recently used sessions beyond `maxSessions` are dropped.
   */
  clientFor(apiKey: ApiKey): OpsManagerClient;
  /** Closes the keep-alive pool. */
  close(): Promise<void>;
}

export interface UpstreamOptions extends UpstreamConfig, Pick<OpsManagerClientOptions, 'retry' | 'breaker' | 'clock' | 'observer'> {
  logger: Logger;
  timeoutMs: number;
  maxInFlight: number;
  /** Wraps the pooled HTTP transport under the Digest client (tests count with it). */
  wrapTransport?: (fetch: FetchLike) => FetchLike;
  /** Passthrough mode: Digest sessions kept, one per caller key. @default 1000 */
  maxSessions?: number;
}

/**
 * Wires the real stack: a keep-alive connection pool (undici Agent, as many connections
 * as the in-flight cap allows), the Digest session on top of it, and the REST client
 * (retries, breaker, cap, error mapping) on top of that.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const agent = new Agent({ connections: options.maxInFlight, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const pooledFetch: FetchLike = (input, init) => {
    countRoundTrip();
    return pooledRequest(agent, input, init);
  };
  const transport = options.wrapTransport ? options.wrapTransport(pooledFetch) : pooledFetch;
  // One Digest session per key pair: the gateway's own, and one per caller in passthrough mode.
  const digestFor = (username: string, password: string) =>
    new DigestClient({ credentials: { username, password }, fetch: transport, logger: options.logger });
  const digest = digestFor(options.publicKey, options.privateKey);
  const client = new OpsManagerClient({
    baseUrl: options.baseUrl,
    fetch: (input, init) => digest.fetch(input, init),
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    maxInFlight: options.maxInFlight,
    retry: options.retry,
    breaker: options.breaker,
    clock: options.clock,
    observer: options.observer,
  });
  const sessions = new Map<string, OpsManagerClient>();
  const maxSessions = options.maxSessions ?? 1_000;
  return {
    client,
    digest,
    clientFor(apiKey) {
      let session = sessions.get(apiKey.fingerprint);
      if (session) {
        // Map keeps insertion order: re-inserting makes this the most recently used.
        sessions.delete(apiKey.fingerprint);
      } else {
        const callerDigest = digestFor(apiKey.publicKey, apiKey.privateKey);
        session = client.withFetch((input, init) => callerDigest.fetch(input, init));
        if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value!);
      }
      sessions.set(apiKey.fingerprint, session);
      return session;
    },
    async reachable(timeoutMs = 2_000) {
      try {
        const response = await pooledFetch(options.baseUrl, { signal: AbortSignal.timeout(timeoutMs) });
        await response.arrayBuffer();
        return true;
      } catch {
        return false;
      }
    },
    close: () => agent.close(),
  };
}

/**
 * A Response whose body has been read already: `text`, `json` and `arrayBuffer` answer from the
 * string, and `body` is null. Building a Response from a string makes a web ReadableStream (made
 * transferable, and read back through a decoder), which cost a few percent of every operation's
 * CPU here; nothing in the upstream stack streams a body.
 */
class BufferedResponse extends Response {
  readonly #text: string;

  constructor(text: string, init: ResponseInit) {
    super(null, init);
    this.#text = text;
  }

  override async text(): Promise<string> {
    return this.#text;
  }

  override async json(): Promise<unknown> {
    return JSON.parse(this.#text);
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return new TextEncoder().encode(this.#text).buffer;
  }
}

/**
 * A fetch over undici's Dispatcher API (agent.request) rather than undici's fetch: the same
 * pool and keep-alive, without fetch's WHATWG machinery (a Request object, a web
 * ReadableStream per response, spec-mandated header processing), which cost about an eighth
 * of each upstream call's CPU here. The body is read whole before the Response is built,
 * which is what every caller does next anyway; the signal covers the body too.
 */
async function pooledRequest(agent: Agent, input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = typeof input === 'string' ? new URL(input) : input;
  const answer = await agent.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: Object.fromEntries(new Headers(init.headers)),
    body: typeof init.body === 'string' ? init.body : undefined,
    signal: init.signal ?? undefined,
  });
  const body = await answer.body.text();
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return new BufferedResponse(body, { status: answer.statusCode, headers });
}
