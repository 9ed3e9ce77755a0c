import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

interface EncodedPage {
  etag: string;
  bodies: { br: Buffer<ArrayBuffer>; gzip: Buffer<ArrayBuffer>; identity: Buffer<ArrayBuffer> };
}

/**
 * Serves the GraphiQL page compressed and revalidated. The page inlines GraphiQL's scripts, styles
 * and editor workers (a machine without internet access cannot load them from a CDN), so it is
 * large; it never changes for one instance, so it is compressed once, off the event loop (brotli at
 * a quality that is fast to make, and gzip for browsers that do not offer brotli), and a browser that
 * has it already gets a 304 for its ETag.
 *
 * It recognises the page by what Yoga responded (a 200 HTML response to a GET): Yoga alone decides
 * when GraphiQL is served, and GraphQL responses (JSON) are never touched or compressed here.
 */
export function useCompressedGraphiQL(): Plugin {
  let encoded: Promise<EncodedPage> | undefined;
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (
        request.method !== 'GET' ||
        response.status !== 200 ||
        !response.headers.get('content-type')?.startsWith('text/html')
      )
        return;
      const page = await (encoded ??= response.text().then(encodePage));
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('etag', page.etag);
      // Revalidate on every visit: a new deployment may serve another page.
      headers.set('cache-control', 'no-cache');
      headers.set('vary', 'Accept-Encoding');
      headers.delete('content-length');
      if (matchesEtag(request.headers.get('if-none-match'), page.etag)) {
        headers.delete('content-type');
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const encoding = negotiate(request.headers.get('accept-encoding'));
      if (encoding !== 'identity') headers.set('content-encoding', encoding);
      setResponse(new fetchAPI.Response(page.bodies[encoding], { status: 200, headers }));
    },
  };
}

async function encodePage(html: string): Promise<EncodedPage> {
  const identity = Buffer.from(html) as Buffer<ArrayBuffer>;
  const [br, gz] = await Promise.all([
    // Quality 5 makes the page in well under a second with most of quality 11's gain.
    brotli(identity, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length },
    }),
    gzipAsync(identity, { level: 9 }),
  ]);
  const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
  return { etag, bodies: { br: br as Buffer<ArrayBuffer>, gzip: gz as Buffer<ArrayBuffer>, identity } };
}

/** The best encoding the request accepts (RFC 9110 §12.5.3): brotli, then gzip, else none. */
export function negotiate(acceptEncoding: string | null): 'br' | 'gzip' | 'identity' {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const weight = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return 'identity';
}

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
