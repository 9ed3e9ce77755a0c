import jwt from 'jsonwebtoken';
import { createGraphQLError, createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAuthentication } from '../../src/plugins/use-authentication.ts';
import { useVerifiedTokenCache, type VerifiedToken } from '../../src/plugins/use-verified-token-cache.ts';
import { TEST_JWT } from '../jwt-settings.ts';
import { registerSecret } from '../secrets-sweep.ts';

const { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } = TEST_JWT;

const schema = createSchema<{ jwt?: VerifiedToken }>({
  typeDefs: 'type Query { subject: String }',
  resolvers: { Query: { subject: (_root, _args, context) => String(context.jwt?.payload.sub) } },
});

function gatewayWith(plugins: Plugin[]) {
  return createYoga({ schema, plugins, logging: false, maskedErrors: { isDev: false } });
}

async function subjectOf(yoga: ReturnType<typeof gatewayWith>, authorization: string) {
  const response = await yoga.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: '{ subject }' }),
  });
  const body = (await response.json()) as { data?: { subject: string }; errors?: unknown[] };
  return { status: response.status, subject: body.data?.subject };
}

function bearer(claims: Record<string, unknown>, options: jwt.SignOptions = {}, secret = SECRET): string {
  const signed = jwt.sign(claims, secret, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 60, ...options });
  registerSecret(signed.split('.')[2]!);
  return `Bearer ${signed}`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('useAuthentication with the verified-token cache (jsonwebtoken verifying)', () => {
  const authentication = () => useAuthentication({ mode: 'jwt', jwt: { ...TEST_JWT, projectsClaim: undefined } });

  it('refuses a token it accepted before, from the second of its expiry on', async () => {
    // Only Date is faked: jsonwebtoken and the cache both read the time from it.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T10:00:00Z') });
    const yoga = gatewayWith([authentication()]);
    const header = bearer({ sub: 'frontend-app' }, { expiresIn: 30 });
    expect(await subjectOf(yoga, header)).toEqual({ status: 200, subject: 'frontend-app' });
    vi.setSystemTime(new Date('2026-12-01T10:00:29Z'));
    expect(await subjectOf(yoga, header)).toEqual({ status: 200, subject: 'frontend-app' });
    vi.setSystemTime(new Date('2026-12-01T10:00:30Z'));
    expect((await subjectOf(yoga, header)).status).toBe(401);
  });

  it('verifies every other token: a changed signature after an accepted token is refused, another subject is its own', async () => {
    const yoga = gatewayWith([authentication()]);
    const header = bearer({ sub: 'frontend-app' });
    expect(await subjectOf(yoga, header)).toEqual({ status: 200, subject: 'frontend-app' });
    const forged = bearer({ sub: 'frontend-app' }, {}, 'another-secret-that-is-also-long-enough!!');
    expect((await subjectOf(yoga, forged)).status).toBe(401);
    const tampered = `${header.slice(0, -2)}${header.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await subjectOf(yoga, tampered)).status).toBe(401);
    expect(await subjectOf(yoga, bearer({ sub: 'billing-app' }))).toEqual({ status: 200, subject: 'billing-app' });
    expect(await subjectOf(yoga, header)).toEqual({ status: 200, subject: 'frontend-app' });
  });
});

describe('useVerifiedTokenCache', () => {
  /** Stands in for the JWT plugin: counts the verifications it is asked for, refuses the token `bad`. */
  function countingVerifier(claims: Record<string, VerifiedToken['payload']>) {
    const verified: string[] = [];
    const plugin: Plugin<{ jwt?: VerifiedToken }> = {
      onRequestParse({ request, serverContext }) {
        const context = serverContext as { jwt?: VerifiedToken };
        if (context.jwt) return;
        const token = request.headers.get('authorization')!.slice('Bearer '.length);
        verified.push(token);
        const payload = claims[token];
        if (!payload) throw createGraphQLError('Unauthenticated', { extensions: { http: { status: 401 } } });
        context.jwt = { payload: { ...payload }, token: { value: token, prefix: 'Bearer' } };
      },
    };
    return { plugin: plugin as Plugin, verified };
  }

  it('verifies a header once for the requests that repeat it, and each other header once', async () => {
    const verifier = countingVerifier({ one: { sub: 'a' }, two: { sub: 'b' } });
    const yoga = gatewayWith([useVerifiedTokenCache() as Plugin, verifier.plugin]);
    for (const token of ['one', 'one', 'two', 'one', 'two'])
      expect(await subjectOf(yoga, `Bearer ${token}`)).toEqual({ status: 200, subject: token === 'one' ? 'a' : 'b' });
    expect(verifier.verified).toEqual(['one', 'two']);
  });

  it('never remembers a refused token', async () => {
    const verifier = countingVerifier({});
    const yoga = gatewayWith([useVerifiedTokenCache() as Plugin, verifier.plugin]);
    expect((await subjectOf(yoga, 'Bearer bad')).status).toBe(401);
    expect((await subjectOf(yoga, 'Bearer bad')).status).toBe(401);
    expect(verifier.verified).toEqual(['bad', 'bad']);
  });

  it('hands an expired or not yet valid token back to the verifier', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const seconds = now / 1000;
    const verifier = countingVerifier({
      expiring: { sub: 'a', exp: seconds + 10 },
      later: { sub: 'b', nbf: seconds - 1, exp: seconds + 100 },
    });
    const yoga = gatewayWith([useVerifiedTokenCache({ now: () => now }) as Plugin, verifier.plugin]);
    await subjectOf(yoga, 'Bearer expiring');
    await subjectOf(yoga, 'Bearer later');
    now += 9_999;
    await subjectOf(yoga, 'Bearer expiring');
    expect(verifier.verified).toEqual(['expiring', 'later']);
    now += 1;
    await subjectOf(yoga, 'Bearer expiring');
    expect(verifier.verified).toEqual(['expiring', 'later', 'expiring']);
    // A clock set back before `nbf`.
    now = Date.parse('2026-12-01T09:00:00Z');
    await subjectOf(yoga, 'Bearer later');
    expect(verifier.verified).toEqual(['expiring', 'later', 'expiring', 'later']);
  });

  it('reuses a verification for maxAgeMs at most, even before the token expires', async () => {
    const verifier = countingVerifier({ one: { sub: 'a' } });
    const yoga = gatewayWith([useVerifiedTokenCache({ maxAgeMs: 1 }) as Plugin, verifier.plugin]);
    await subjectOf(yoga, 'Bearer one');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await subjectOf(yoga, 'Bearer one');
    expect(verifier.verified).toEqual(['one', 'one']);
  });

  it('keeps at most `max` tokens, dropping the least recently used', async () => {
    const verifier = countingVerifier({ one: { sub: 'a' }, two: { sub: 'b' }, three: { sub: 'c' } });
    const yoga = gatewayWith([useVerifiedTokenCache({ max: 2 }) as Plugin, verifier.plugin]);
    for (const token of ['one', 'two', 'one', 'three', 'one', 'two']) await subjectOf(yoga, `Bearer ${token}`);
    expect(verifier.verified).toEqual(['one', 'two', 'three', 'two']);
  });
});
