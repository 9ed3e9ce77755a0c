import { describe, expect, it } from 'vitest';
import { callerOf } from '../../src/auth/authentication.ts';
import { anonymousCaller, callerFromBasicAuth, callerFromClaims } from '../../src/auth/caller.ts';
import { callerIdentity } from '../../src/auth/identity.ts';

const claims = { readScope: 'r', writeScope: 'w', projectsClaim: undefined };
const basic = (pair: string) => callerFromBasicAuth(`Basic ${Buffer.from(pair).toString('base64')}`);

describe('caller identity (rate-limit budgets, the fair line)', () => {
  it('is the JWT subject, hashed: one per subject, never the subject itself', () => {
    const alice = callerIdentity(callerFromClaims({ sub: 'alice@example.com' }, claims));
    expect(alice.class).toBe('jwt');
    expect(alice.key).not.toContain('alice');
    expect(callerIdentity(callerFromClaims({ sub: 'alice@example.com', scope: 'r' }, claims))).toEqual(alice);
    expect(callerIdentity(callerFromClaims({ sub: 'bob@example.com' }, claims)).key).not.toBe(alice.key);
  });

  it('is the passthrough key, hashed: neither key nor its fingerprint appears', () => {
    const caller = basic('public-key:private-secret');
    const identity = callerIdentity(caller);
    expect(identity.class).toBe('passthrough');
    for (const secret of ['public-key', 'private-secret', caller.apiKey!.fingerprint])
      expect(identity.key).not.toContain(secret);
    expect(callerIdentity(basic('public-key:other-secret')).key).not.toBe(identity.key);
  });

  it('is one anonymous identity without authentication', () => {
    expect(callerIdentity(anonymousCaller)).toEqual({ key: 'anonymous', class: 'anonymous' });
  });
});

describe('the caller of a verified token (made once per payload)', () => {
  const jwtOptions = (readScope: string) => ({
    mode: 'jwt' as const,
    jwt: {
      secret: 'unused',
      jwksUrl: undefined,
      issuer: 'https://login.example.com/',
      audience: 'gateway',
      algorithms: ['HS256'],
      readScope,
      writeScope: 'w',
      projectsClaim: undefined,
    },
  });
  const request = new Request('http://gateway.test/graphql');

  it('is the same frozen caller for the same payload, and follows the scopes each configuration names', () => {
    const payload = { sub: 'alice', scope: 'r' };
    const options = jwtOptions('r');
    const first = callerOf(options, { request, jwt: { payload } });
    expect(first).toMatchObject({ subject: 'alice', canRead: true, canWrite: false });
    expect(Object.isFrozen(first)).toBe(true);
    expect(callerOf(options, { request, jwt: { payload } })).toBe(first);
    // Another gateway's configuration (another read scope) over the same payload gets its own caller.
    expect(callerOf(jwtOptions('other'), { request, jwt: { payload } }).canRead).toBe(false);
    expect(callerOf(options, { request, jwt: { payload: { sub: 'bob', scope: 'r w' } } })).toMatchObject({
      subject: 'bob',
      canWrite: true,
    });
  });
});
