import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchDigestClient, type FetchLike } from '../fetch-send.ts';
import { DEMO_PROJECT_IDS, type Simulator, startSimulator } from '../../src/simulator/index.ts';

/**
 * The Digest client against an independent server: Apache 2.4 mod_auth_digest with
 * AuthDigestNcCheck On, proxying to a backend started here. scripts/interop-apache.sh starts
 * Apache and passes everything in env. The backend is the project's Ops Manager simulator with its
 * own auth off, so Apache is the only Digest server here. The counts come from three places that
 * must agree: the client's stats, Apache's access log (every request Apache received) and the
 * simulator's counters (every request Apache let through).
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: run this suite with scripts/interop-apache.sh`);
  return value;
};
const APACHE_URL = env('APACHE_URL');
const BACKEND_PORT = Number(env('APACHE_BACKEND_PORT'));
const NONCE_LIFETIME_MS = Number(env('APACHE_NONCE_LIFETIME_S')) * 1000;
const CREDENTIALS = { username: env('APACHE_DIGEST_USERNAME'), password: env('APACHE_DIGEST_PASSWORD') };
const ERROR_LOG = env('APACHE_ERROR_LOG');
const ACCESS_LOG = env('APACHE_ACCESS_LOG');

const listUrl = (call: number): string =>
  `${APACHE_URL}/api/public/v1.0/groups/${DEMO_PROJECT_IDS[0]}/invites?call=${call}`;

let backend: Simulator;
let agent: Agent;
const backendRequests = (): number => backend.counters.snapshot().requests;

beforeAll(async () => {
  backend = await startSimulator({ auth: 'none', port: BACKEND_PORT });
  agent = new Agent({ connections: 64 });
});

afterAll(async () => {
  await agent.close();
  await backend.close();
});

function newClient(credentials = CREDENTIALS): FetchDigestClient {
  const fetch = ((input, init) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as FetchLike;
  return new FetchDigestClient({ credentials, fetch });
}

/** What Apache saw during `run`: requests received (access log), refused nonce counts, expiries. */
async function observe<T>(
  run: () => Promise<T>,
): Promise<{ result: T; apache: number; ncRefusals: number; expired: number; backend: number }> {
  const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const [access, errors, backendBefore] = [lines(ACCESS_LOG).length, lines(ERROR_LOG), backendRequests()];
  const result = await run();
  // Apache writes the access log line after the response has gone out.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const newErrors = lines(ERROR_LOG).slice(errors.length);
  return {
    result,
    apache: lines(ACCESS_LOG).length - access,
    ncRefusals: newErrors.filter((line) => line.includes('nonce-count check failed')).length,
    expired: newErrors.filter((line) => line.includes('nonce expired')).length,
    backend: backendRequests() - backendBefore,
  };
}

const concurrently = (n: number, offset: number, client: FetchDigestClient): Promise<number[]> =>
  Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const response = await client.fetch(listUrl(offset + i));
      await response.arrayBuffer();
      return response.status;
    }),
  );

function report(label: string, figures: Record<string, number | string>): void {
  console.log(
    `apache interop | ${label} | ${Object.entries(figures)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`,
  );
}

describe('DigestClient against Apache 2.4 mod_auth_digest (AuthDigestNcCheck On)', () => {
  const client = newClient();

  it('gets 50 concurrent cold calls through, each at most 3 HTTP requests', async () => {
    const seen = await observe(() => concurrently(50, 0, client));

    report('50 concurrent, cold', {
      ...client.stats,
      apacheReceived: seen.apache,
      ncRefusals: seen.ncRefusals,
      backend: seen.backend,
    });
    expect(seen.result).toEqual(Array(50).fill(200));
    expect(seen.backend).toBe(50);
    expect(seen.apache).toBe(client.stats.httpRequests);
    expect(client.stats.httpRequests).toBeLessThanOrEqual(3 * 50);
  });

  it('reuses its nonces for the next calls within the nonce lifetime', async () => {
    const before = { ...client.stats };
    const seen = await observe(() => concurrently(50, 100, client));

    const httpRequests = client.stats.httpRequests - before.httpRequests;
    report('50 concurrent, warm', {
      httpRequests,
      apacheReceived: seen.apache,
      ncRefusals: seen.ncRefusals,
      backend: seen.backend,
    });
    expect(seen.result).toEqual(Array(50).fill(200));
    expect(seen.backend).toBe(50);
    expect(seen.apache).toBe(httpRequests);
    expect(httpRequests).toBeLessThanOrEqual(3 * 50);
  });

  it('renews nonces Apache calls stale after the lifetime, invisibly to the callers', async () => {
    await new Promise((resolve) => setTimeout(resolve, NONCE_LIFETIME_MS + 1500));
    const before = { ...client.stats };
    const seen = await observe(() => concurrently(50, 200, client));

    const staleRenewals = client.stats.staleRenewals - before.staleRenewals;
    const httpRequests = client.stats.httpRequests - before.httpRequests;
    report('50 concurrent after the lifetime', {
      httpRequests,
      staleRenewals,
      apacheExpired: seen.expired,
      ncRefusals: seen.ncRefusals,
      backend: seen.backend,
    });
    expect(seen.result).toEqual(Array(50).fill(200));
    expect(seen.backend).toBe(50);
    expect(seen.expired).toBeGreaterThan(0);
    expect(staleRenewals).toBeGreaterThan(0);
    expect(httpRequests).toBeLessThanOrEqual(3 * 50);
  });

  it('gives wrong credentials one clean 401 after at most 3 HTTP requests', async () => {
    const wrong = newClient({ username: CREDENTIALS.username, password: 'not-the-password' });
    const seen = await observe(async () => {
      const response = await wrong.fetch(listUrl(999));
      await response.arrayBuffer();
      return response.status;
    });

    report('wrong password', {
      status: seen.result,
      httpRequests: wrong.stats.httpRequests,
      apacheReceived: seen.apache,
      backend: seen.backend,
    });
    expect(seen.result).toBe(401);
    expect(wrong.stats.httpRequests).toBeLessThanOrEqual(3);
    expect(seen.apache).toBe(wrong.stats.httpRequests);
    expect(seen.backend).toBe(0);
  });
});
