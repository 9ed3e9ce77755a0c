/**
 * The one place that talks HTTP: a `Transport` sends a typed document (or only its trusted
 * document id) to the gateway with graphql-request and turns a GraphQL error answer into an
 * `InvitationsRequestError`. The operations (operations/*.ts) each take a transport, so an app
 * that imports one operation bundles that operation's document only.
 *
 * The public types name no DOM or Node type (`HeadersInit`, `Response`, ...): the package
 * type-checks in an app whose `lib` has no DOM and that has no `@types/node`.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, GraphQLClient, type RequestOptions } from 'graphql-request';
import { InvitationsRequestError } from './errors.js';

/** Header names and values, as a plain object: `{ authorization: 'Bearer …' }`. */
export type HeaderRecord = Readonly<Record<string, string>>;

/** Headers as an object, as `[name, value]` pairs, or a `Headers` instance (it iterates as pairs). */
export type HeadersLike = HeaderRecord | Iterable<readonly [string, string]>;

/**
 * What the client needs of an `AbortSignal`. The global one (browser or Node) fits; it is
 * typed structurally so that no DOM or Node library is needed to type-check.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

/** What the client reads of a `fetch` response; the global `Response` fits. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * A `fetch`: the global one, undici's, one with a proxy, a test double. It is called as the
 * global `fetch` is, with a `URL` and a `RequestInit`; the parameters are typed loosely
 * because the DOM's and Node's `fetch` types differ and this package depends on neither.
 */
// biome-ignore lint/suspicious/noExplicitAny: any fetch (the DOM's, Node's, undici's, a test double) must fit, whatever its own argument types
export type FetchLike = (input: any, init?: any) => Promise<FetchResponseLike>;

export interface TransportOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://gateway.example.com/graphql`. */
  url: string;
  /**
   * Sent with every request. A function is called before each request and may be async
   * (a token that is refreshed when it expires).
   */
  headers?: HeadersLike | (() => HeadersLike | Promise<HeadersLike>) | undefined;
  /** The fetch to send requests with. @default globalThis.fetch */
  fetch?: FetchLike | undefined;
  /**
   * Send each operation's trusted document id (`{"documentId": "sha256:…"}`) instead of its
   * text: what a gateway with `TRUSTED_DOCUMENTS=require` accepts, and a smaller request.
   * @default false
   */
  sendDocumentIds?: boolean | undefined;
  /**
   * Give every mutation an `Idempotency-Key` (a random UUID) unless the call names its own:
   * the gateway then answers a repeat of the same change with the first response instead of
   * making it again. @default true
   */
  idempotencyKeys?: boolean | undefined;
  /**
   * How many times a mutation whose answer never arrived (the connection failed, no HTTP
   * answer) is sent again, with the same idempotency key, so that it is made at most once.
   * Only with a key. @default 1
   */
  resendLostMutations?: number | undefined;
}

/** Per call: an `AbortSignal` to cancel it (React Query and friends hand one over). */
export interface CallOptions {
  signal?: AbortSignalLike | undefined;
}

/**
 * Per mutation: the `Idempotency-Key` to send. Keep the key of a change you may retry later (a
 * user clicking again, an app restarted after a crash) and pass it again: the gateway answers
 * the first response. `null` sends none. @default a new key per call (see `idempotencyKeys`)
 */
export interface MutationOptions extends CallOptions {
  idempotencyKey?: string | null | undefined;
}

/** A new idempotency key: a random UUID (version 4). */
export function newIdempotencyKey(): string {
  const crypto = (
    globalThis as unknown as {
      crypto?: { randomUUID?: () => string; getRandomValues?: (bytes: Uint8Array) => Uint8Array };
    }
  ).crypto;
  // randomUUID exists in Node and in browsers on secure origins; elsewhere, build one.
  if (crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Sends typed documents to the gateway; create one with `createTransport` and share it. */
export interface Transport {
  request<Result, Variables extends object>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    options?: CallOptions,
  ): Promise<Result>;
  /** Sends a mutation with its idempotency key, sending it again (same key) when its response was lost. */
  mutate<Result, Variables extends object>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    options?: MutationOptions,
  ): Promise<Result>;
}

/** The id codegen embeds in each generated document (`__meta__.hash`, `sha256:<hex>`). */
function documentIdOf(document: object): string {
  const id = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof id !== 'string')
    throw new TypeError('This document has no trusted document id: send its text (sendDocumentIds: false)');
  return id;
}

function headerRecordOf(headers: HeadersLike | undefined): Record<string, string> {
  if (headers === undefined) return {};
  return Symbol.iterator in headers
    ? Object.fromEntries(headers as Iterable<readonly [string, string]>)
    : { ...(headers as HeaderRecord) };
}

export function createTransport(options: TransportOptions): Transport {
  // Looked up at call time, so that a fetch installed after this call (a test's, a polyfill) is used.
  const fetch: FetchLike =
    options.fetch ?? ((input, init) => (globalThis as unknown as { fetch: FetchLike }).fetch(input, init));
  async function send<Result, Variables extends object>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    signal: AbortSignalLike | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<Result> {
    const headers = {
      ...headerRecordOf(typeof options.headers === 'function' ? await options.headers() : options.headers),
      ...extraHeaders,
    };
    const documentId = options.sendDocumentIds ? documentIdOf(document) : undefined;
    const client = new GraphQLClient(options.url, {
      fetch: fetch as never,
      // The id replaces the document's text: the GraphQL-over-HTTP persisted documents form.
      ...(documentId && {
        requestMiddleware: (request) => {
          const { query: _text, ...rest } = JSON.parse(String(request.body)) as Record<string, unknown>;
          return { ...request, body: JSON.stringify({ documentId, ...rest }) };
        },
      }),
    });
    let data: unknown;
    try {
      // graphql-request's conditional `variables` typing does not resolve for a generic V.
      data = await client.request({
        document,
        variables,
        signal,
        requestHeaders: headers,
      } as unknown as RequestOptions);
    } catch (error) {
      // ClientError: the gateway answered, with errors (or not GraphQL at all). Anything else
      // (a refused connection, an abort) is fetch's own error and passes through unchanged.
      if (error instanceof ClientError) throw new InvitationsRequestError(error.response);
      throw error;
    }
    // A 2xx JSON body with neither data nor errors is not a GraphQL answer either.
    if (data == null) throw new InvitationsRequestError({ status: 200 });
    return data as Result;
  }
  return {
    request: (document, variables, { signal } = {}) => send(document, variables, signal, {}),
    async mutate(document, variables, { signal, idempotencyKey } = {}) {
      const key =
        idempotencyKey === undefined
          ? options.idempotencyKeys === false
            ? null
            : newIdempotencyKey()
          : idempotencyKey;
      if (key === null) return send(document, variables, signal, {});
      const resends = options.resendLostMutations ?? 1;
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await send(document, variables, signal, { 'idempotency-key': `"${key}"` });
        } catch (error) {
          // Only a lost answer is sent again: an HTTP answer (InvitationsRequestError) is an
          // answer, and a cancelled call stays cancelled.
          if (error instanceof InvitationsRequestError || signal?.aborted || attempt >= resends) throw error;
        }
      }
    },
  };
}
