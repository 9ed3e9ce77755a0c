import type { Plugin } from 'graphql-yoga';
import { errorResponse, RequestErrorCode } from '../errors/index.ts';

// The body was not read: the connection cannot be reused for another request.
const CLOSE = { connection: 'close' };

function tooLarge(maxBytes: number): Response {
  return errorResponse(RequestErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${maxBytes} bytes.`, {
    headers: CLOSE,
  });
}

function badLength(): Response {
  return errorResponse(
    RequestErrorCode.BAD_REQUEST,
    'The Content-Length header is not a single non-negative integer.',
    {
      headers: CLOSE,
    },
  );
}

/** One non-negative integer: anything else (a sign, a list, spaces) could slip past a numeric check. */
const CONTENT_LENGTH = /^\d+$/;

/**
 * Refuses request bodies over `maxBytes` before anything parses them (413, with a GraphQL
 * error body). A declared Content-Length is checked at once (Node's HTTP parser then holds
 * the body to it); a chunked body is read up to the limit and no further. This replaces
 * Yoga's own limit (`maxRequestBodySize: false` in gateway.ts), which pipes every body,
 * declared or not, through a TransformStream and a second Request.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse }) {
      if (!request.body) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) endResponse(badLength());
        else if (Number(declared) > maxBytes) endResponse(tooLarge(maxBytes));
        return;
      }
      const reader = request.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          return endResponse(tooLarge(maxBytes));
        }
        chunks.push(value);
      }
      setRequest(
        new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks) }),
      );
    },
  };
}
