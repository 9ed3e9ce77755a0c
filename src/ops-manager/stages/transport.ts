import { Agent, type Dispatcher } from 'undici';
import type { UpstreamFetch } from '../pipeline.ts';

/** What a test or a benchmark may put under the Digest stage: plain fetch, no record. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface PooledTransport {
  /** The pipeline's innermost fetch: one HTTP request, counted in the call's round trips. */
  fetch: UpstreamFetch;
  /** The same pool without a record: the readiness probe's unauthenticated GET. */
  plain: FetchLike;
  /** Closes the keep-alive pool. */
  close(): Promise<void>;
}

/**
 * The keep-alive connection pool (an undici Agent with `connections` sockets, as many as the
 * in-flight cap lets out at once). Every response comes back with its body read whole
 * (BufferedResponse): the stages above may read it, or drop it, without touching a socket.
 * `wrap` sits between the pool and the pipeline (tests count and break requests with it).
 */
export function pooledTransport(options: {
  connections: number;
  wrap?: ((fetch: FetchLike) => FetchLike) | undefined;
}): PooledTransport {
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const plain: FetchLike = (input, init) => pooledRequest(agent, input, init);
  return {
    fetch: countRoundTrips(options.wrap ? options.wrap(plain) : plain),
    plain,
    close: () => agent.close(),
  };
}

/** The innermost stage: counts one round trip per request it sends, then sends it. */
export function countRoundTrips(send: FetchLike): UpstreamFetch {
  return (url, init, call) => {
    call.roundTrips += 1;
    return send(url, init as RequestInit);
  };
}

/**
 * A Response whose body has been read already: `text`, `json` and `arrayBuffer` answer from the
 * string, and `body` is null. Building a Response from a string makes a web ReadableStream (made
 * transferable, and read back through a decoder), which cost a few percent of every operation's
 * CPU here; nothing in the upstream stack streams a body.
 */
export class BufferedResponse extends Response {
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
export async function pooledRequest(agent: Agent, input: string | URL, init: RequestInit = {}): Promise<Response> {
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
