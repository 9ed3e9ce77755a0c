/**
 * WHATWG fetch around the upstream path's `Send` ({status, headers, body}), for tests and the benchmark only: the
 * gateway itself never speaks fetch (ops-manager/transport.ts). Tests write their request counters and fault
 * injectors as fetch wrappers, and drive a DigestClient as a fetch.
 */
import { DigestClient, type DigestClientOptions } from '../src/ops-manager/digest.ts';
import type { Send } from '../src/ops-manager/transport.ts';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

const NULL_BODY = new Set([101, 204, 205, 304]);

/** A Send as a fetch: a Response from the buffered answer. */
export function asFetch(send: Send): FetchLike {
  return async (input, init = {}) => {
    const answer = await send({
      url: String(input),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      body: typeof init.body === 'string' ? init.body : undefined,
      signal: init.signal ?? undefined,
    });
    const headers = Object.entries(answer.headers).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return new Response(NULL_BODY.has(answer.status) ? null : answer.body, { status: answer.status, headers });
  };
}

/** A fetch as a Send: its Response read whole. */
export function viaFetch(fetch: FetchLike): Send {
  return async (request) => {
    const response = await fetch(request.url, request);
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    return { status: response.status, headers, body: await response.text() };
  };
}

/** A fetch wrapper as the upstream's `wrapTransport` (a Send wrapper). */
export function wrapAsFetch(wrap: (fetch: FetchLike) => FetchLike): (send: Send) => Send {
  return (send) => viaFetch(wrap(asFetch(send)));
}

/** A DigestClient used as a fetch over `fetch`: the server's response, a final 401 included. */
export class FetchDigestClient extends DigestClient {
  readonly #send: Send;

  constructor(options: DigestClientOptions & { fetch: FetchLike }) {
    super(options);
    this.#send = viaFetch(options.fetch);
  }

  fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    if (init.body != null && typeof init.body !== 'string')
      throw new TypeError(
        'FetchDigestClient: init.body must be a string, so that it can be sent again after a challenge',
      );
    return asFetch(async (request) => (await this.send(request, this.#send)).response)(input, init);
  }
}
