import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_API_KEY,
  DEMO_PROJECT_IDS,
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.ts';
import { digestAuthorization, parseChallenge, RFC2617_EXAMPLE, type SignInput } from './digest-signer.ts';
import { send, type TestResponse } from './client.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const LIST_PATH = `/api/public/v1.0/groups/${payments}/invites`;
const UNAUTHORIZED_BODY = { reason: 'Unauthorized', error: 401, detail: 'You are not authorized for this resource.' };

let simulator: Simulator;
afterEach(() => simulator?.close());

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  simulator = await startSimulator(options);
  return simulator;
}

/** Gets a fresh challenge with an unauthenticated request. */
async function challenge(path = LIST_PATH) {
  const response = await send(simulator.origin + path, 'GET');
  expect(response.status).toBe(401);
  return parseChallenge(response.headers.get('www-authenticate'));
}

function signed(
  nonce: { realm: string; nonce: string },
  nc: number,
  extra: Partial<SignInput> = {},
  path = LIST_PATH,
  method = 'GET',
): Promise<TestResponse> {
  const authorization = digestAuthorization({
    method,
    uri: path,
    username: DEMO_API_KEY.publicKey,
    password: DEMO_API_KEY.privateKey,
    realm: nonce.realm,
    nonce: nonce.nonce,
    nc,
    ...extra,
  });
  return send(simulator.origin + path, method, { authorization });
}

function expectPlainChallenge(response: TestResponse, failure?: string): void {
  expect(response.status).toBe(401);
  expect(parseChallenge(response.headers.get('www-authenticate')).stale).toBe('false');
  expect(response.json).toEqual(UNAUTHORIZED_BODY);
  if (failure !== undefined) expect(response.headers.get('x-simulator-auth-failure')).toBe(failure);
}

describe('test Digest signer', () => {
  it('reproduces the RFC 2617 known answer', () => {
    const header = digestAuthorization({ ...RFC2617_EXAMPLE.input, uri: RFC2617_EXAMPLE.input.uri });
    expect(header).toContain(`response="${RFC2617_EXAMPLE.response}"`);
    expect(header).toContain('nc=00000001');
  });
});

describe('Digest challenge', () => {
  it('answers an unauthenticated request like Ops Manager: header format, body without errorCode', async () => {
    await start();
    const response = await send(simulator.origin + LIST_PATH, 'GET');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]+=*", algorithm=MD5, qop="auth", stale=false$/,
    );
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-error-code')).toBeNull();
    expect(response.json).toEqual(UNAUTHORIZED_BODY);
    expect(simulator.counters.snapshot()).toMatchObject({
      requests: 1,
      challenges: 1,
      staleChallenges: 0,
      authenticated: 0,
    });
  });

  it('issues a different nonce on every challenge', async () => {
    await start();
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i += 1) nonces.add((await challenge()).nonce);
    expect(nonces.size).toBe(5);
  });

  it('challenges every API path, known or not, before anything else', async () => {
    await start();
    const response = await send(`${simulator.origin}/api/public/v1.0/nowhere`, 'GET');
    expect(response.status).toBe(401);
    expect(simulator.counters.snapshot().byPath).toEqual({});
  });
});

describe('Digest verification', () => {
  it('accepts a correct response and counts it as authenticated', async () => {
    await start();
    const response = await signed(await challenge(), 1);
    expect(response.status).toBe(200);
    expect(simulator.counters.snapshot()).toMatchObject({ requests: 2, challenges: 1, authenticated: 1 });
  });

  it('accepts the uri with its query string when signed as sent', async () => {
    await start();
    const path = `${LIST_PATH}?pretty=true&username=jane.smith%40example.com`;
    const response = await signed(await challenge(path), 1, {}, path);
    expect(response.status).toBe(200);
    expect(response.json).toHaveLength(1);
  });

  it('refuses a wrong password with a fresh, non-stale challenge', async () => {
    await start();
    const first = await challenge();
    const response = await signed(first, 1, { password: 'not-the-private-key' });
    expectPlainChallenge(response, 'wrong-response');
    expect(parseChallenge(response.headers.get('www-authenticate')).nonce).not.toBe(first.nonce);
    expect(simulator.counters.snapshot()).toMatchObject({ challenges: 2, authenticated: 0 });
  });

  it('refuses an unknown public key', async () => {
    await start();
    expectPlainChallenge(await signed(await challenge(), 1, { username: 'someone-else' }), 'unknown-user');
  });

  it('accepts any configured key and uses its owner as inviterUsername', async () => {
    await start({
      apiKeys: [
        { publicKey: 'alpha', privateKey: 'alpha-secret', ownerUsername: 'alpha.owner@example.com' },
        { publicKey: 'beta', privateKey: 'beta-secret' },
      ],
    });
    expectPlainChallenge(await signed(await challenge(), 1), 'unknown-user');
    const nonce = await challenge();
    const path = LIST_PATH;
    const authorization = digestAuthorization({
      method: 'POST',
      uri: path,
      username: 'alpha',
      password: 'alpha-secret',
      realm: nonce.realm,
      nonce: nonce.nonce,
      nc: 1,
    });
    const created = await send(simulator.origin + path, 'POST', {
      authorization,
      body: { roles: ['GROUP_READ_ONLY'], username: 'new.person@example.com' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ inviterUsername: 'alpha.owner@example.com' });
    const beta = digestAuthorization({
      method: 'GET',
      uri: path,
      username: 'beta',
      password: 'beta-secret',
      realm: nonce.realm,
      nonce: nonce.nonce,
      nc: 2,
    });
    expect((await send(simulator.origin + path, 'GET', { authorization: beta })).status).toBe(200);
  });

  it('refuses a replayed nc and a lower nc, but accepts a rising one on the same nonce', async () => {
    await start();
    const nonce = await challenge();
    expect((await signed(nonce, 1)).status).toBe(200);
    expectPlainChallenge(await signed(nonce, 1), 'nonce-count');
    expect((await signed(nonce, 5)).status).toBe(200);
    expectPlainChallenge(await signed(nonce, 3), 'nonce-count');
    expect((await signed(nonce, 6)).status).toBe(200);
    expect(simulator.counters.snapshot()).toMatchObject({ authenticated: 3, challenges: 3, staleChallenges: 0 });
  });

  it('accepts concurrent requests that each carry a distinct nc', async () => {
    await start();
    const nonce = await challenge();
    const responses = await Promise.all([1, 2, 3, 4, 5, 6].map((nc) => signed(nonce, nc)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('does not check nc when checkNonceCount is false', async () => {
    await start({ checkNonceCount: false });
    const nonce = await challenge();
    expect((await signed(nonce, 1)).status).toBe(200);
    expect((await signed(nonce, 1)).status).toBe(200);
  });

  it('answers stale=true once the nonce lifetime has passed, and the fresh nonce works', async () => {
    let clock = Date.UTC(2024, 0, 1);
    await start({ now: () => clock, nonceLifetimeMs: 60_000 });
    const nonce = await challenge();
    clock += 60_000;
    expect((await signed(nonce, 1)).status).toBe(200); // exactly the lifetime: still valid
    clock += 1;
    const stale = await signed(nonce, 2);
    expect(stale.status).toBe(401);
    expect(stale.headers.get('x-simulator-auth-failure')).toBe('stale-nonce');
    const fresh = parseChallenge(stale.headers.get('www-authenticate'));
    expect(fresh.stale).toBe('true');
    expect(fresh.nonce).not.toBe(nonce.nonce);
    expect(simulator.counters.snapshot()).toMatchObject({ challenges: 2, staleChallenges: 1 });
    expect((await signed(fresh, 1)).status).toBe(200);
  });

  it('answers stale=false for an expired nonce with a wrong password', async () => {
    let clock = 1_000_000;
    await start({ now: () => clock, nonceLifetimeMs: 1_000 });
    const nonce = await challenge();
    clock += 5_000;
    expectPlainChallenge(await signed(nonce, 1, { password: 'wrong' }), 'wrong-response');
    expect(simulator.counters.snapshot().staleChallenges).toBe(0);
  });

  it('refuses a nonce it did not issue', async () => {
    await start();
    const real = await challenge();
    const forged = { ...real, nonce: Buffer.from('a'.repeat(40)).toString('base64') };
    expectPlainChallenge(await signed(forged, 1), 'unknown-nonce');
  });

  it('refuses a nonce issued by another simulator', async () => {
    const other = await startSimulator();
    try {
      const response = await send(other.origin + LIST_PATH, 'GET');
      const foreign = parseChallenge(response.headers.get('www-authenticate'));
      await start();
      expectPlainChallenge(await signed(foreign, 1), 'unknown-nonce');
    } finally {
      await other.close();
    }
  });

  it('requires the uri parameter to equal the request target, query included', async () => {
    await start();
    const path = `${LIST_PATH}?pretty=true`;
    const nonce = await challenge();
    const authorization = digestAuthorization({
      method: 'GET',
      uri: LIST_PATH,
      username: DEMO_API_KEY.publicKey,
      password: DEMO_API_KEY.privateKey,
      realm: nonce.realm,
      nonce: nonce.nonce,
      nc: 1,
    });
    expectPlainChallenge(await send(simulator.origin + path, 'GET', { authorization }), 'uri');
  });

  it('requires the method signed to be the method used', async () => {
    await start();
    const nonce = await challenge();
    const authorization = digestAuthorization({
      method: 'GET',
      uri: LIST_PATH,
      username: DEMO_API_KEY.publicKey,
      password: DEMO_API_KEY.privateKey,
      realm: nonce.realm,
      nonce: nonce.nonce,
      nc: 1,
    });
    const response = await send(simulator.origin + LIST_PATH, 'POST', {
      authorization,
      body: { roles: ['GROUP_OWNER'], username: 'sneaky@example.com' },
    });
    expectPlainChallenge(response, 'wrong-response');
    expect(simulator.counters.snapshot().applied).toBe(0);
  });

  it.each([
    ['qop missing', { overrides: { qop: undefined } }, 'qop'],
    ['qop auth-int', { overrides: { qop: 'auth-int' } }, 'qop'],
    ['algorithm SHA-256', { overrides: { algorithm: 'SHA-256' } }, 'algorithm'],
    ['another realm', { realm: 'Other Realm' }, 'realm'],
  ] as const)('refuses %s', async (_name, extra, failure) => {
    await start();
    expectPlainChallenge(await signed(await challenge(), 1, extra as Partial<SignInput>), failure);
  });

  it('accepts a header without the algorithm parameter (MD5 is the default)', async () => {
    await start();
    expect((await signed(await challenge(), 1, { overrides: { algorithm: undefined } })).status).toBe(200);
  });

  it.each([
    [
      'Basic credentials',
      `Basic ${Buffer.from('demo-public-key:demo-private-key-not-secret').toString('base64')}`,
      'missing',
    ],
    ['a broken Digest header', 'Digest username="demo-public-key", realm="MMS', 'malformed'],
    [
      'a Digest header without nc/cnonce',
      'Digest username="demo-public-key", realm="MMS Public API", nonce="x", uri="/", response="00000000000000000000000000000000"',
      'malformed',
    ],
  ])('refuses %s', async (_name, authorization, failure) => {
    await start();
    expectPlainChallenge(await send(simulator.origin + LIST_PATH, 'GET', { authorization }), failure);
  });
});

describe("auth 'none'", () => {
  it('answers without any challenge and counts every request as authenticated', async () => {
    await start({ auth: 'none' });
    const response = await send(simulator.origin + LIST_PATH, 'GET');
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(simulator.counters.snapshot()).toMatchObject({ requests: 1, challenges: 0, authenticated: 1 });
  });
});
