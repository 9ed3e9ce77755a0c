import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledTransport } from '../../src/ops-manager/transport.ts';

describe('pooledTransport', () => {
  const seen: Array<{ method: string; url: string; body: string; accept: string | undefined }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, body, accept: request.headers.accept });
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.setHeader('content-type', 'application/json');
      response.statusCode = request.url === '/gone' ? 204 : 200;
      response.end(request.url === '/gone' ? undefined : JSON.stringify({ ok: true }));
    });
  });
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends over the pool and answers a plain {status, headers, body}: the body read, names lowercase, repeats joined', async () => {
    const transport = pooledTransport({ connections: 2 });
    seen.length = 0;
    const answer = await transport.send({
      url: `${base}/x?y=1`,
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    await transport.send({ url: `${base}/z`, method: 'POST', headers: {}, body: '{}' });
    expect(answer).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'set-cookie': 'a=1, b=2', 'content-type': 'application/json' }),
      body: '{"ok":true}',
    });
    expect(seen).toEqual([
      { method: 'GET', url: '/x?y=1', body: '', accept: 'application/json' },
      { method: 'POST', url: '/z', body: '{}', accept: undefined },
    ]);
    await transport.close();
  });

  it('puts `wrap` between the Digest step and the pool; `plain` bypasses it', async () => {
    const wrapped: string[] = [];
    const transport = pooledTransport({
      connections: 1,
      wrap: (send) => (request) => (wrapped.push(request.url), send(request)),
    });
    const answer = await transport.send({ url: `${base}/a`, method: 'GET', headers: {} });
    expect(answer).toMatchObject({ status: 200, body: '{"ok":true}', headers: { 'set-cookie': 'a=1, b=2' } });
    expect(await transport.send({ url: `${base}/gone`, method: 'DELETE', headers: {} })).toMatchObject({
      status: 204,
      body: '',
    });
    await transport.plain({ url: `${base}/b`, method: 'GET', headers: {} });
    expect(wrapped).toEqual([`${base}/a`, `${base}/gone`]);
    await transport.close();
  });
});
