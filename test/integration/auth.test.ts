import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { TEST_JWT } from '../jwt-settings.ts';
import { registerSecret } from '../secrets-sweep.ts';
import { type Stack, startStack } from './stack.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } = TEST_JWT;
const jwtSecurity = { authMode: 'jwt' as const, jwt: { ...TEST_JWT, projectsClaim: 'projects' } };

function token(claims: Record<string, unknown>, options: jwt.SignOptions = {}, key: jwt.Secret = SECRET): string {
  return registered(
    jwt.sign(claims, key, { issuer: ISSUER, audience: AUDIENCE, expiresIn: '5m', subject: 'frontend-app', ...options }),
  );
}

/** A token's signature is what must never be logged (the claims are not secret). */
function registered(signed: string): string {
  registerSecret(signed.split('.')[2] ?? signed);
  return signed;
}

async function call(
  stack: Stack,
  query: string,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: any;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }>;
  };
  return { status: response.status, body, headers: response.headers };
}

const READ_BOTH = `{ a: project(id: "${payments}") { invitations { id } } b: project(id: "${analytics}") { invitations { id } } }`;
const UPDATE = `mutation($p: ObjectID!, $i: ObjectID!) { updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: [GROUP_OWNER]) { __typename ... on Error { code message } } }`;

describe('jwt mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ security: jwtSecurity });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.counters.reset());

  it.each([
    ['no token', {}],
    ['a malformed token', { authorization: 'Bearer not.a.jwt' }],
    [
      'a bad signature',
      {
        authorization: `Bearer ${token({ scope: 'invitations:read' }, {}, 'another-secret-that-is-also-long-enough!!')}`,
      },
    ],
    ['an expired token', { authorization: `Bearer ${token({ scope: 'invitations:read' }, { expiresIn: -10 })}` }],
    [
      'the wrong issuer',
      { authorization: `Bearer ${token({ scope: 'invitations:read' }, { issuer: 'https://evil.example.com/' })}` },
    ],
    [
      'the wrong audience',
      { authorization: `Bearer ${token({ scope: 'invitations:read' }, { audience: 'someone-else' })}` },
    ],
    [
      'alg none',
      {
        authorization: `Bearer ${jwt.sign({ scope: 'invitations:read', iss: ISSUER, aud: AUDIENCE }, '', { algorithm: 'none' })}`,
      },
    ],
    ['Basic credentials', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
  ])('answers %s with 401 UNAUTHENTICATED and no upstream call', async (_name, headers) => {
    const { status, body } = await call(stack, READ_BOTH, headers);
    expect(status).toBe(401);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('lets a token with the read scope read', async () => {
    const { status, body } = await call(stack, READ_BOTH, {
      authorization: `Bearer ${token({ scope: 'invitations:read' })}`,
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.a.invitations.length).toBeGreaterThan(0);
  });

  it('refuses reading without the read scope: FORBIDDEN on each project’s invitations, no upstream call', async () => {
    const { body } = await call(stack, READ_BOTH, { authorization: `Bearer ${token({ scope: 'invitations:write' })}` });
    expect(body.data).toEqual({ a: { invitations: null }, b: { invitations: null } });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('answers a mutation without the write scope with its typed ForbiddenError, calling nothing', async () => {
    const invitation = stack.simulator.store.listInvitations(payments)[0]!;
    const { body } = await call(
      stack,
      UPDATE,
      { authorization: `Bearer ${token({ scope: 'invitations:read' })}` },
      { p: payments, i: invitation.id },
    );
    expect(body.data.updateInvitationRoles).toEqual({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: 'Your credentials do not allow changing invitations (write scope missing).',
    });
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('lets a token with the write scope change, reading scopes from `scp` arrays too', async () => {
    const invitation = stack.simulator.store.listInvitations(payments)[0]!;
    const { body } = await call(
      stack,
      UPDATE,
      { authorization: `Bearer ${token({ scp: ['invitations:write'] })}` },
      { p: payments, i: invitation.id },
    );
    expect(body.data.updateInvitationRoles.__typename).toBe('InvitationRolesUpdated');
  });

  it('limits a token with a projects claim to its projects: FORBIDDEN on the others only, never called', async () => {
    const { status, body } = await call(stack, READ_BOTH, {
      authorization: `Bearer ${token({ scope: 'invitations:read', projects: [payments.toUpperCase()] })}`,
    });
    expect(status).toBe(200);
    expect(body.data.a.invitations.length).toBeGreaterThan(0);
    expect(body.data.b.invitations).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['b', 'invitations'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
    const { byPath } = stack.simulator.counters.snapshot();
    expect(Object.keys(byPath)).toEqual([`GET /api/public/v1.0/groups/${payments}/invites`]);
  });

  it('refuses a change to a project outside the claim, as a typed ForbiddenError', async () => {
    const invitation = stack.simulator.store.listInvitations(analytics)[0]!;
    const headers = { authorization: `Bearer ${token({ scope: 'invitations:write', projects: [payments] })}` };
    const { body } = await call(stack, UPDATE, headers, { p: analytics, i: invitation.id });
    expect(body.data.updateInvitationRoles).toMatchObject({
      __typename: 'ForbiddenError',
      message: 'Your credentials do not grant access to this project.',
    });
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('keeps tokens out of every log line, at any level', async () => {
    const bearer = token({ scope: 'invitations:read invitations:write' });
    await call(stack, READ_BOTH, { authorization: `Bearer ${bearer}` });
    await call(stack, READ_BOTH, { authorization: `Bearer ${bearer}x` });
    const logs = stack.logLines.join('');
    expect(logs).not.toContain(bearer.split('.')[2]);
    expect(logs).not.toContain(SECRET);
  });
});

describe('jwt mode with a JWKS URL', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'RS256' };
  let jwks: Server;
  let stack: Stack;
  beforeAll(async () => {
    jwks = createServer((_request, response) =>
      response.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    stack = await startStack({
      security: { ...jwtSecurity, jwt: { ...jwtSecurity.jwt, secret: undefined, jwksUrl, algorithms: ['RS256'] } },
    });
  });
  afterAll(async () => {
    await stack.close();
    jwks.close();
  });

  it('verifies RS256 tokens against the key set', async () => {
    const signed = token({ scope: 'invitations:read' }, { algorithm: 'RS256', keyid: 'key-1' }, privateKey);
    const { status, body } = await call(stack, READ_BOTH, { authorization: `Bearer ${signed}` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('refuses algorithm confusion: an HS256 token keyed with the public key', async () => {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const forged = token({ scope: 'invitations:read' }, { algorithm: 'HS256', keyid: 'key-1' }, pem);
    const { status } = await call(stack, READ_BOTH, { authorization: `Bearer ${forged}` });
    expect(status).toBe(401);
  });
});

describe('passthrough mode', () => {
  const alice = { publicKey: 'alice-public', privateKey: 'alice-private-key-1' };
  const signers: string[] = [];
  let stack: Stack;
  const basic = (key: { publicKey: string; privateKey: string }) => {
    registerSecret(key.privateKey);
    const encoded = Buffer.from(`${key.publicKey}:${key.privateKey}`).toString('base64');
    registerSecret(encoded);
    return { authorization: `Basic ${encoded}` };
  };
  beforeAll(async () => {
    stack = await startStack({
      security: { authMode: 'passthrough' },
      simulator: { apiKeys: [DEMO_API_KEY, alice] },
      // Who signed each request that reached the wire (the Digest username), counted below the Digest stage.
      wrapTransport: (fetch) => (input, init) => {
        const signer = /username="([^"]*)"/.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
        if (signer !== undefined) signers.push(signer);
        return fetch(input, init);
      },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.counters.reset());

  it('uses the caller’s own key for Digest: Ops Manager sees the caller', async () => {
    signers.length = 0;
    const { status, body } = await call(stack, READ_BOTH, basic(alice));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    // Every signed request carried the caller's key; the gateway's own was never used.
    expect(signers.length).toBeGreaterThan(0);
    expect(new Set(signers)).toEqual(new Set([alice.publicKey]));
  });

  it('answers missing credentials with 401 and a Basic challenge, calling nothing', async () => {
    const { status, body, headers } = await call(stack, READ_BOTH);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('gives a wrong key UNAUTHENTICATED without disturbing another caller running at the same time', async () => {
    const mallory = { publicKey: 'alice-public', privateKey: 'guessed-wrong' };
    const [good, bad, goodAgain] = await Promise.all([
      call(stack, READ_BOTH, basic(alice)),
      call(stack, READ_BOTH, basic(mallory)),
      call(stack, READ_BOTH, basic(DEMO_API_KEY)),
    ]);
    expect(good.body.errors).toBeUndefined();
    expect(goodAgain.body.errors).toBeUndefined();
    expect(bad.status).toBe(401);
    expect(new Set(bad.body.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['UNAUTHENTICATED']));
    // Alice's session is intact afterwards.
    expect((await call(stack, READ_BOTH, basic(alice))).body.errors).toBeUndefined();
  });

  it('keeps one Digest session per key, bounded, and never hands one key another’s session', () => {
    const key = (name: string) => ({ publicKey: name, privateKey: `${name}-secret`, fingerprint: name });
    const first = stack.upstream.clientFor(key('one'));
    expect(stack.upstream.clientFor(key('one'))).toBe(first);
    expect(stack.upstream.clientFor(key('two'))).not.toBe(first);
  });

  it('keeps Basic credentials out of logs and answers', async () => {
    const answer = await call(stack, READ_BOTH, basic(alice));
    const everything = stack.logLines.join('') + JSON.stringify(answer.body);
    expect(everything).not.toContain(alice.privateKey);
    expect(everything).not.toContain(basic(alice).authorization.slice(6));
  });
});
