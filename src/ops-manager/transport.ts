import { Agent, type Dispatcher } from 'undici';

/** One HTTP request of the upstream path: a string body only, so that Digest can send it again. */
export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** One HTTP answer, its body read whole. Header names are lowercase; repeated headers are joined with ", ". */
export interface UpstreamResponse {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** Sends one HTTP request. Resolves with any answer; rejects when none came. */
export type Send = (request: UpstreamRequest) => Promise<UpstreamResponse>;

export interface PooledTransport {
  send: Send;
  /** The same pool without `wrap`: the readiness probe's unauthenticated GET. */
  plain: Send;
  close(): Promise<void>;
}

/**
 * The keep-alive pool: an undici Agent with as many sockets as the in-flight cap lets out, through agent.request, not
 * fetch (whose WHATWG machinery cost an eighth of each upstream call's CPU). Bodies are read whole: nothing streams.
 * `wrap` goes between the Digest step and the pool (tests count and break requests with it).
 */
export function pooledTransport(options: {
  connections: number;
  wrap?: ((send: Send) => Send) | undefined;
}): PooledTransport {
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const plain: Send = (request) => pooledRequest(agent, request);
  return {
    send: options.wrap ? options.wrap(plain) : plain,
    plain,
    close: () => agent.close(),
  };
}

async function pooledRequest(agent: Agent, request: UpstreamRequest): Promise<UpstreamResponse> {
  const url = new URL(request.url);
  const answer = await agent.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: request.method as Dispatcher.HttpMethod,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
  });
  const body = await answer.body.text();
  const headers = answer.headers as Record<string, string | string[] | undefined>;
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  return { status: answer.statusCode, headers: headers as Record<string, string | undefined>, body };
}
