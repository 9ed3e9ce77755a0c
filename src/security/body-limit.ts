import type { Plugin } from 'graphql-yoga';

function tooLarge(maxBytes: number): Response {
  const body = { errors: [{ message: `The request body is larger than ${maxBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] };
  return new Response(JSON.stringify(body), { status: 413, headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close' } });
}

/**
 * Refuses request bodies over `maxBytes` before anything parses them (413, with a GraphQL
 * error body). A declared Content-Length is checked at once; a chunked body is read up to
 * the limit and no further.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest({ request, setRequest, endResponse }) {
      if (!request.body) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > maxBytes) endResponse(tooLarge(maxBytes));
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
      setRequest(new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks) }));
    },
  };
}
