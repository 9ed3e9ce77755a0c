import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_PROJECT_IDS } from '../../src/simulator/index.ts';
import { send, waitFor } from './client.ts';
import { digestAuthorization, parseChallenge } from './digest-signer.ts';

/**
 * `npm run simulator` (src/simulator/main.ts) reads the variants from the environment: each
 * variable is checked here by what the running process then answers over real Digest.
 */

const [payments] = DEMO_PROJECT_IDS as [string];
const JANE = '6123a4b5c6d7e8f901a2b301';
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts main.ts with `env` on a free port; resolves with its base URL and what it printed. */
async function startMain(env: Record<string, string>): Promise<{ baseUrl: string; output: () => string }> {
  const { PORT: _ignored, ...inherited } = process.env;
  child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
    cwd: projectRoot,
    env: { ...inherited, SIMULATOR_PORT: '0', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => /Test controls/.test(output), 15_000);
  const baseUrl = /listening: (http:\/\/127\.0\.0\.1:\d+\/api\/public\/v1\.0)/.exec(output)![1]!;
  return { baseUrl, output: () => output };
}

/** Signs with one nonce and the count given (no automatic retry: what the server says is what we see). */
function signer(baseUrl: string, nonce: string) {
  return (method: string, path: string, nc: number) =>
    digestAuthorization({
      method,
      uri: new URL(baseUrl + path).pathname,
      username: DEMO_API_KEY.publicKey,
      password: DEMO_API_KEY.privateKey,
      realm: 'MMS Public API',
      nonce,
      nc,
    });
}

async function freshNonce(url: string): Promise<string> {
  return parseChallenge((await send(url, 'GET')).headers.get('www-authenticate')).nonce;
}

describe('npm run simulator: the variants from the environment', () => {
  it('create 200, delete 200 {}, inviter public key, nonce count unchecked', async () => {
    const { baseUrl, output } = await startMain({
      SIMULATOR_CREATE_STATUS: '200',
      SIMULATOR_DELETE_RESPONSE: 'empty-object',
      SIMULATOR_INVITER: 'public-key',
      SIMULATOR_NONCE_COUNT_CHECK: 'false',
    });
    expect(output()).toContain(
      'Variants: create 200, delete empty-object, inviter public-key; Digest nonce lifetime 300000 ms, nonce-count check off',
    );
    const invites = `/groups/${payments}/invites`;
    const sign = signer(baseUrl, await freshNonce(baseUrl + invites));
    const created = await send(baseUrl + invites, 'POST', {
      body: { roles: ['GROUP_OWNER'], username: 'new@example.com' },
      authorization: sign('POST', invites, 1),
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ inviterUsername: DEMO_API_KEY.publicKey });
    // The same nc again: accepted with the check off.
    const deleted = await send(`${baseUrl}${invites}/${JANE}`, 'DELETE', {
      authorization: sign('DELETE', `${invites}/${JANE}`, 1),
    });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('{}');
  });

  it('the defaults: nonce count checked, create 201, delete 204', async () => {
    const { baseUrl, output } = await startMain({});
    expect(output()).toContain(
      'Variants: create 201, delete no-content, inviter owner; Digest nonce lifetime 300000 ms, nonce-count check on',
    );
    const invites = `/groups/${payments}/invites`;
    const sign = signer(baseUrl, await freshNonce(baseUrl + invites));
    expect(
      (
        await send(baseUrl + invites, 'POST', {
          body: { roles: ['GROUP_OWNER'], username: 'new@example.com' },
          authorization: sign('POST', invites, 1),
        })
      ).status,
    ).toBe(201);
    const replayed = await send(`${baseUrl}${invites}/${JANE}`, 'DELETE', {
      authorization: sign('DELETE', `${invites}/${JANE}`, 1),
    });
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('x-simulator-auth-failure')).toBe('nonce-count');
    expect(
      (await send(`${baseUrl}${invites}/${JANE}`, 'DELETE', { authorization: sign('DELETE', `${invites}/${JANE}`, 2) }))
        .status,
    ).toBe(204);
  });

  it('SIMULATOR_NONCE_LIFETIME_MS: a nonce older than that is answered 401 stale=true, and SIMULATOR_DELETE_RESPONSE=empty-body', async () => {
    const { baseUrl } = await startMain({
      SIMULATOR_NONCE_LIFETIME_MS: '2000',
      SIMULATOR_DELETE_RESPONSE: 'empty-body',
    });
    const one = `/groups/${payments}/invites/${JANE}`;
    const sign = signer(baseUrl, await freshNonce(baseUrl + one));
    await sleep(2_100);
    const stale = await send(baseUrl + one, 'DELETE', { authorization: sign('DELETE', one, 1) });
    expect(stale.status).toBe(401);
    expect(parseChallenge(stale.headers.get('www-authenticate')).stale).toBe('true');
    const fresh = signer(baseUrl, parseChallenge(stale.headers.get('www-authenticate')).nonce);
    const deleted = await send(baseUrl + one, 'DELETE', { authorization: fresh('DELETE', one, 1) });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe('');
    expect(deleted.headers.get('content-type')).toBe('application/json');
  });

  it('SIMULATOR_AUTH=none: no challenge, a GET without Authorization is answered', async () => {
    const { baseUrl, output } = await startMain({ SIMULATOR_AUTH: 'none' });
    expect(output()).toContain('Digest off (SIMULATOR_AUTH=none)');
    const listed = await send(`${baseUrl}/groups/${payments}/invites`, 'GET');
    expect(listed.status).toBe(200);
    expect(Array.isArray(listed.json)).toBe(true);
  });

  it.each([
    ['SIMULATOR_AUTH', 'basic'],
    ['SIMULATOR_CREATE_STATUS', '202'],
    ['SIMULATOR_DELETE_RESPONSE', '204'],
    ['SIMULATOR_INVITER', 'email'],
    ['SIMULATOR_NONCE_COUNT_CHECK', 'yes'],
    ['SIMULATOR_NONCE_LIFETIME_MS', '0'],
  ])('refuses %s=%s with exit code 2 and one line naming it', async (name, value) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, SIMULATOR_PORT: '0', [name]: value },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    process_.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => process_.on('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toContain(name);
    expect(errors).toContain(`"${value}"`);
  });
});

describe('the simulator’s page', () => {
  it('documents exactly the SIMULATOR_* variables main.ts reads', () => {
    const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const names = (text: string) => new Set([...text.matchAll(/\bSIMULATOR_[A-Z_]+[A-Z]\b/g)].map((match) => match[0]));
    // SIMULATOR_PORT is the gateway's (config.ts) as well as main.ts's.
    expect([...names(read('docs/simulator.md'))].sort()).toEqual([...names(read('src/simulator/main.ts'))].sort());
  });
});
