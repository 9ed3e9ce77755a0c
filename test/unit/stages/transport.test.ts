import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledTransport } from '../../../src/ops-manager/stages/transport.ts';
import { GET, POST, record } from './helpers.ts';

describe('transport stage', () => {
  const seen: Array<{ method: string; url: string; body: string; accept: string | undefined }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, body, accept: request.headers.accept });
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ ok: true }));
    });
  });
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends over the pool, answers with the body read, and counts one round trip per request', async () => {
    const transport = pooledTransport({ connections: 2 });
    const call = record();
    const answer = await transport.fetch(`${base}/x?y=1`, GET, call);
    await transport.fetch(`${base}/z`, POST, call);
    expect(answer.status).toBe(200);
    expect(answer.body).toBeNull(); // already read: nothing left on the socket
    expect(await answer.json()).toEqual({ ok: true });
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(call.roundTrips).toBe(2);
    expect(seen).toEqual([
      { method: 'GET', url: '/x?y=1', body: '', accept: 'application/json' },
      { method: 'POST', url: '/z', body: '{}', accept: undefined },
    ]);
    await transport.close();
  });

  it('puts `wrap` between the pipeline and the pool; the probe fetch bypasses it', async () => {
    const wrapped: string[] = [];
    const transport = pooledTransport({
      connections: 1,
      wrap: (fetch) => (input, init) => (wrapped.push(String(input)), fetch(input, init)),
    });
    await transport.fetch(`${base}/a`, GET, record());
    await transport.plain(`${base}/b`);
    expect(wrapped).toEqual([`${base}/a`]);
    await transport.close();
  });
});
