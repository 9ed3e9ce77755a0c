import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DigestChallengeError, parseChallenges, parseDigestChallenge } from '../../src/ops-manager/digest-challenge.ts';
import { FetchDigestClient, type FetchLike } from '../fetch-send.ts';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

// RFC 2617 §3.5, the example every Digest implementation is checked against.
const RFC = {
  username: 'Mufasa',
  password: 'Circle Of Life',
  realm: 'testrealm@host.com',
  nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
  opaque: '5ccc069c403ebaf9f0171e9517f40e41',
  uri: '/dir/index.html',
  cnonceBytes: Uint8Array.from([0x0a, 0x4f, 0x11, 0x3b]),
  response: '6629fae49393a05397450978507c4ef1',
};
const RFC_CHALLENGE = `Digest realm="${RFC.realm}", qop="auth,auth-int", nonce="${RFC.nonce}", opaque="${RFC.opaque}"`;

/**
 * A recorded exchange, not a server: the first request gets `challenge` back as a 401, every later
 * one a 200. Each request's Authorization header (or null) is kept.
 */
function recordedServer(challenge: string): { fetch: FetchLike; authorizations: (string | null)[] } {
  const authorizations: (string | null)[] = [];
  const fetch: FetchLike = async (_input, init) => {
    authorizations.push(new Headers(init?.headers).get('authorization'));
    return authorizations.length === 1
      ? new Response('', { status: 401, headers: { 'www-authenticate': challenge } })
      : new Response('{}', { status: 200 });
  };
  return { fetch, authorizations };
}

const rfcClient = (fetch: FetchLike): FetchDigestClient =>
  new FetchDigestClient({
    credentials: { username: RFC.username, password: RFC.password },
    fetch,
    randomBytes: () => RFC.cnonceBytes,
  });

describe('known answers', () => {
  it('keeps the key pair out of reach: no digest-fetch method, no credential in any own property', () => {
    const client = rfcClient(recordedServer(RFC_CHALLENGE).fetch);
    // digest-fetch's shared-state methods are not inherited (the client wraps it, it does not extend it).
    for (const name of ['addAuth', 'parseAuth', 'addBasicAuth', 'computeHash', 'makeNonce', 'getClient'])
      expect(name in client).toBe(false);
    expect(Object.keys(client)).toEqual(['stats']); // its counts, nothing else
    expect(Object.keys(client.stats).sort()).toEqual([
      'challenges',
      'httpRequests',
      'logicalRequests',
      'staleRenewals',
    ]);
    expect(JSON.stringify(client)).not.toContain(RFC.password);
  });

  it('sends exactly the RFC 2617 §3.5 Authorization header for fixed inputs', async () => {
    const server = recordedServer(RFC_CHALLENGE);
    const response = await rfcClient(server.fetch).fetch('http://www.nowhere.org/dir/index.html');

    expect(response.status).toBe(200);
    expect(server.authorizations).toEqual([
      null,
      `Digest username="Mufasa", realm="testrealm@host.com", nonce="${RFC.nonce}", uri="/dir/index.html", ` +
        `qop=auth, nc=00000001, cnonce="0a4f113b", response="${RFC.response}", opaque="${RFC.opaque}"`,
    ]);
  });

  it('answers MD5-sess and auth-int with the RFC 7616 formulas', async () => {
    const challenge = `Digest realm="r", nonce="n0", algorithm=MD5-sess, qop="auth-int"`;
    const server = recordedServer(challenge);
    await rfcClient(server.fetch).fetch('http://h/p?q=1', { method: 'POST', body: '{"a":1}' });

    const ha1 = md5(`${md5(`${RFC.username}:r:${RFC.password}`)}:n0:0a4f113b`);
    const ha2 = md5(`POST:/p?q=1:${md5('{"a":1}')}`);
    const expected = md5(`${ha1}:n0:00000001:0a4f113b:auth-int:${ha2}`);
    expect(server.authorizations[1]).toBe(
      `Digest username="Mufasa", realm="r", nonce="n0", uri="/p?q=1", algorithm=MD5-sess, qop=auth-int, ` +
        `nc=00000001, cnonce="0a4f113b", response="${expected}"`,
    );
  });

  it('answers an RFC 2069 challenge (no qop) without nc or cnonce', async () => {
    const server = recordedServer('Digest realm="r", nonce="n0", algorithm=MD5');
    await rfcClient(server.fetch).fetch('http://h/x');
    const expected = md5(`${md5(`${RFC.username}:r:${RFC.password}`)}:n0:${md5('GET:/x')}`);
    expect(server.authorizations[1]).toBe(
      `Digest username="Mufasa", realm="r", nonce="n0", uri="/x", algorithm=MD5, response="${expected}"`,
    );
  });
});

describe('cnonce', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is hex from the cryptographic source, never Math.random', async () => {
    const random = vi.spyOn(Math, 'random');
    const sizes: number[] = [];
    const server = recordedServer(RFC_CHALLENGE);
    const client = new FetchDigestClient({
      credentials: { username: 'u', password: 'p' },
      fetch: server.fetch,
      randomBytes: (size) => {
        sizes.push(size);
        return new Uint8Array(size).fill(0xab);
      },
    });
    await client.fetch('http://h/x');

    expect(server.authorizations[1]).toContain(`cnonce="${'ab'.repeat(16)}"`);
    expect(sizes).toEqual([16]);
    expect(random).not.toHaveBeenCalled();
  });

  it('defaults to node:crypto: 128 random bits, different on every request', async () => {
    const random = vi.spyOn(Math, 'random');
    const server = recordedServer(RFC_CHALLENGE);
    const client = new FetchDigestClient({ credentials: { username: 'u', password: 'p' }, fetch: server.fetch });
    await client.fetch('http://h/x');
    await client.fetch('http://h/x');

    const cnonces = server.authorizations.slice(1).map((header) => /cnonce="([0-9a-f]+)"/.exec(header ?? '')?.[1]);
    expect(cnonces).toHaveLength(2);
    expect(cnonces[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(cnonces[1]).not.toBe(cnonces[0]);
    expect(random).not.toHaveBeenCalled();
  });
});

describe('parseDigestChallenge', () => {
  it('reads the challenge Ops Manager documents', () => {
    const header =
      'Digest realm="MMS Public API", domain="", nonce="OSn0S2uU+ee2ZpJgNkrU3p3TVbNM=", algorithm=MD5, qop="auth", stale=false';
    expect(parseDigestChallenge(header)).toEqual({
      realm: 'MMS Public API',
      nonce: 'OSn0S2uU+ee2ZpJgNkrU3p3TVbNM=',
      opaque: undefined,
      qop: 'auth',
      algorithm: 'MD5',
      session: false,
      stale: false,
    });
  });

  it("reads Apache's challenge (opaque, stale=true)", () => {
    const header =
      'Digest realm="MMS Public API", nonce="Ikca3tpgBgA=485d3e68", algorithm=MD5, opaque="1f", stale=true, qop="auth"';
    expect(parseDigestChallenge(header)).toMatchObject({
      nonce: 'Ikca3tpgBgA=485d3e68',
      opaque: '1f',
      stale: true,
      qop: 'auth',
    });
  });

  it('reads unquoted values, any case, and spaces around "=" and ","', () => {
    const header = 'digest REALM=test , Nonce = abc,qop=auth ,STALE=TRUE';
    expect(parseDigestChallenge(header)).toMatchObject({ realm: 'test', nonce: 'abc', qop: 'auth', stale: true });
  });

  it('chooses auth from "auth,auth-int" with or without spaces, and auth-int when it is the only offer', () => {
    expect(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int, auth"')?.qop).toBe('auth');
    expect(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"')?.qop).toBe('auth-int');
    expect(parseDigestChallenge('Digest realm="r", nonce="n"')?.qop).toBeUndefined();
  });

  it('does not mistake nextnonce or cnonce for the nonce, and unescapes quoted strings', () => {
    const header = 'Digest nextnonce="wrong", cnonce="wrong", realm="say \\"hi\\", ok", nonce="right"';
    expect(parseDigestChallenge(header)).toMatchObject({ realm: 'say "hi", ok', nonce: 'right' });
  });

  it('finds the Digest challenge among several, and the first one it can answer', () => {
    const header =
      'Basic realm="b", Negotiate abc==, Digest realm="r", nonce="sha", algorithm=SHA-256, ' +
      'Digest realm="r", nonce="md5", algorithm=MD5';
    expect(parseChallenges(header).map((challenge) => challenge.scheme)).toContain('Basic');
    expect(parseDigestChallenge(header)).toMatchObject({ nonce: 'md5', algorithm: 'MD5' });
  });

  it('accepts MD5-sess', () => {
    expect(parseDigestChallenge('Digest realm="r", nonce="n", algorithm=md5-sess')).toMatchObject({ session: true });
  });

  it('returns undefined when there is no Digest challenge', () => {
    expect(parseDigestChallenge(null)).toBeUndefined();
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
  });

  it('refuses unknown algorithms and challenges without a nonce with a clear error', () => {
    expect(() => parseDigestChallenge('Digest realm="r", nonce="n", algorithm=SHA-512-256')).toThrow(
      new DigestChallengeError(
        'Unsupported Digest algorithm (offered: SHA-512-256); this client answers MD5 and MD5-sess',
      ),
    );
    expect(() => parseDigestChallenge('Digest realm="r", algorithm=MD5')).toThrow(DigestChallengeError);
    expect(() => parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-conf"')).toThrow(/qop/);
  });
});
