import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiate } from '../../src/plugins/use-compressed-graphiql.ts';
import { type Stack, startStack } from './stack.ts';

/** A GET as a browser sends it, read as raw bytes (fetch would decompress them and hide the encoding). */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const html = { accept: 'text/html' };

describe('the GraphiQL page over the wire', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ security: { graphiql: true } });
  });
  afterAll(() => stack.close());

  it('is sent brotli-compressed, at most 2 MB, with a validator, and decodes to the page sent to a client that accepts no encoding', async () => {
    const plain = await get(stack.url, { ...html, 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toMatch(/<html/i);

    const br = await get(stack.url, { ...html, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('no-cache');
    expect(br.headers['etag']).toBe(plain.headers['etag']);
    expect(br.body.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
  });

  it('falls back to gzip for a browser that offers no brotli', async () => {
    const plain = await get(stack.url, { ...html, 'accept-encoding': 'identity' });
    const gz = await get(stack.url, { ...html, 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('answers 304 with no body to a browser that has the page already', async () => {
    const first = await get(stack.url, { ...html, 'accept-encoding': 'br' });
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(stack.url, { ...html, 'accept-encoding': 'br', 'if-none-match': `W/${etag}` });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers['etag']).toBe(etag);
    const other = await get(stack.url, { ...html, 'accept-encoding': 'br', 'if-none-match': '"another-page"' });
    expect(other.status).toBe(200);
  });

  it('leaves GraphQL responses alone, whatever the client accepts', async () => {
    const response = await fetch(`${stack.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: {
        accept: 'application/graphql-response+json',
        'accept-encoding': 'br, gzip',
        'x-graphql-yoga-csrf': '1',
      },
    });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('etag')).toBeNull();
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('content negotiation', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['*', 'br'],
    ['identity', 'identity'],
    ['', 'identity'],
    [null, 'identity'],
  ] as const)('%s → %s', (header, expected) => {
    expect(negotiate(header)).toBe(expected);
  });
});
