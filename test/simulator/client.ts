import { DEMO_API_KEY, type Simulator } from '../../src/simulator/index.ts';
import { digestAuthorization, parseChallenge } from './digest-signer.ts';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when empty / not JSON. */
  json: unknown;
}

export interface RequestOptions {
  /** Serialised as JSON unless it is already a string; bytes are sent as they are, with no Content-Type. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function send(
  url: string,
  method: string,
  options: RequestOptions & { authorization?: string } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.authorization !== undefined) headers['Authorization'] = options.authorization;
  let body: BodyInit | undefined;
  if (options.body instanceof Uint8Array) {
    body = options.body as Uint8Array<ArrayBuffer>;
  } else if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(url, { method, headers, body, signal: options.signal });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * A minimal Digest session for tests: one nonce, reused with a rising nc; answers a challenge
 * (first contact or stale) by signing again with the new nonce. `path` is relative to the API base
 * path, e.g. '/groups/<id>/invites?pretty=true'.
 */
export class TestApiClient {
  #nonce: { realm: string; nonce: string } | undefined;
  #nc = 0;

  constructor(
    private readonly simulator: Simulator,
    private readonly key: { publicKey: string; privateKey: string } = DEMO_API_KEY,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const url = `${this.simulator.baseUrl}${path}`;
    if (this.#nonce !== undefined) {
      const response = await send(url, method, { ...options, authorization: this.#sign(method, url) });
      if (response.status !== 401 || !response.headers.has('www-authenticate')) return response;
      this.#remember(response);
    } else {
      this.#remember(await send(url, method, options));
    }
    return send(url, method, { ...options, authorization: this.#sign(method, url) });
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
  post = (path: string, body: unknown, options?: RequestOptions) => this.request('POST', path, { ...options, body });
  patch = (path: string, body: unknown, options?: RequestOptions) => this.request('PATCH', path, { ...options, body });
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options);

  #remember(challengeResponse: TestResponse): void {
    const challenge = parseChallenge(challengeResponse.headers.get('www-authenticate'));
    this.#nonce = { realm: challenge.realm, nonce: challenge.nonce };
    this.#nc = 0;
  }

  #sign(method: string, url: string): string {
    const { pathname, search } = new URL(url);
    this.#nc += 1;
    return digestAuthorization({
      method,
      uri: pathname + search,
      username: this.key.publicKey,
      password: this.key.privateKey,
      realm: this.#nonce!.realm,
      nonce: this.#nonce!.nonce,
      nc: this.#nc,
    });
  }
}

/** A promise that settles with the fetch error (or response) of a request expected to fail. */
export async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Polls until `condition` holds (for waiting on a request to reach the server), failing after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
