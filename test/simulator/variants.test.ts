import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_API_KEY_OWNER,
  DEMO_API_KEY,
  DEMO_PROJECT_IDS,
  DOCUMENTED_VARIANTS,
  type Invitation,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.ts';
import { TestApiClient, type TestResponse } from './client.ts';

/**
 * The simulator's variants (SimulatorOptions createStatus, deleteResponse, apiKeyInviter), its
 * defaults (what the Ops Manager docs say), and the request rules taken from the docs and from
 * what a JAX-RS server does: seed 003's PATCH by id with `username`, 415 for a body that is not JSON.
 */

const [payments] = DEMO_PROJECT_IDS as [string];
const JANE = '6123a4b5c6d7e8f901a2b301';
const invites = (rest = '') => `/groups/${payments}/invites${rest}`;

let simulator: Simulator | undefined;
async function start(options: SimulatorOptions = {}): Promise<TestApiClient> {
  simulator = await startSimulator(options);
  return new TestApiClient(simulator);
}
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

function expectFrameworkError(response: TestResponse, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  // Ops Manager's error envelope, without an errorCode: the web framework answers, not the API resource.
  expect(Object.keys(response.json as object).sort()).toEqual(['detail', 'error', 'reason']);
  expect(response.json).toMatchObject({ error: status });
}

describe('defaults: what the Ops Manager docs say', () => {
  it('are 201, 204 and the key owner', () => {
    expect(DOCUMENTED_VARIANTS).toEqual({ createStatus: 201, deleteResponse: 'no-content', apiKeyInviter: 'owner' });
  });

  it('create answers 201 with the invitation; inviterUsername is the key owner’s email', async () => {
    const api = await start();
    const response = await api.post(invites(), { roles: ['GROUP_OWNER'], username: 'new@example.com' });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ username: 'new@example.com', inviterUsername: DEFAULT_API_KEY_OWNER });
  });

  it('delete answers 204 with no body, typed application/json as the docs’ example response is', async () => {
    const api = await start();
    const response = await api.delete(invites(`/${JANE}`));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(response.headers.get('content-type')).toBe('application/json');
  });
});

describe('variants', () => {
  it('createStatus 200: the invitation, as Atlas was recorded answering', async () => {
    const api = await start({ createStatus: 200 });
    const response = await api.post(invites(), { roles: ['GROUP_OWNER'], username: 'new@example.com' });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ username: 'new@example.com', roles: ['GROUP_OWNER'] });
    expect(
      (await api.post(invites('?envelope=true'), { roles: ['GROUP_OWNER'], username: 'env@example.com' })).json,
    ).toMatchObject({ status: 200 });
  });

  it('deleteResponse empty-object: 200 with {}', async () => {
    const api = await start({ deleteResponse: 'empty-object' });
    const response = await api.delete(invites(`/${JANE}`));
    expect(response.status).toBe(200);
    expect(response.text).toBe('{}');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(simulator!.store.getInvitation(JANE)).toBeUndefined();
  });

  it('deleteResponse empty-body: 200 with no body, typed application/json', async () => {
    const api = await start({ deleteResponse: 'empty-body' });
    const response = await api.delete(invites(`/${JANE}`));
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(simulator!.store.getInvitation(JANE)).toBeUndefined();
  });

  it('apiKeyInviter public-key: inviterUsername is the public key, as the real recording shows', async () => {
    const api = await start({ apiKeyInviter: 'public-key' });
    const response = await api.post(invites(), { roles: ['GROUP_OWNER'], username: 'new@example.com' });
    expect(response.json).toMatchObject({ inviterUsername: DEMO_API_KEY.publicKey });
    // Seeded invitations keep their inviter: only the creator through the API changes.
    expect((await api.get(invites(`/${JANE}`))).json).toMatchObject({ inviterUsername: 'admin@example.com' });
  });
});

describe('PATCH by id with username in the body (seed 003’s example request)', () => {
  it('is accepted when it names the invitation’s user, in any case', async () => {
    const api = await start();
    const response = await api.patch(invites(`/${JANE}`), {
      roles: ['GROUP_READ_ONLY'],
      username: 'Jane.Smith@Example.com',
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: JANE, username: 'jane.smith@example.com', roles: ['GROUP_READ_ONLY'] });
  });

  it('refuses another user with 400 ATTRIBUTE_READ_ONLY, and changes nothing', async () => {
    const api = await start();
    const response = await api.patch(invites(`/${JANE}`), {
      roles: ['GROUP_READ_ONLY'],
      username: 'john.doe@example.com',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-error-code')).toBe('ATTRIBUTE_READ_ONLY');
    expect(response.json).toEqual({
      detail: 'The attribute username is read-only and cannot be changed by the user.',
      error: 400,
      errorCode: 'ATTRIBUTE_READ_ONLY',
      parameters: ['username'],
      reason: 'Bad Request',
    });
    expect(simulator!.store.getInvitation(JANE)?.roles).toEqual(['GROUP_OWNER']);
  });

  it('checks the username like a create does (type, address)', async () => {
    const api = await start();
    expect(
      (await api.patch(invites(`/${JANE}`), { roles: ['GROUP_OWNER'], username: 42 })).headers.get('x-error-code'),
    ).toBe('INVALID_JSON_ATTRIBUTE');
    expect(
      (await api.patch(invites(`/${JANE}`), { roles: ['GROUP_OWNER'], username: 'not-an-email' })).headers.get(
        'x-error-code',
      ),
    ).toBe('INVALID_EMAIL_ADDRESS');
  });
});

describe('415 for a body that is not JSON (what a JAX-RS server answers)', () => {
  const BODY = JSON.stringify({ roles: ['GROUP_OWNER'], username: 'new@example.com' });

  it.each([
    ['POST', invites(), 'text/plain'],
    ['POST', invites(), 'application/x-www-form-urlencoded'],
    ['POST', invites(), 'application/xml'],
    ['PATCH', invites(), 'text/plain'],
    ['PATCH', invites(`/${JANE}`), 'text/plain; charset=utf-8'],
  ])('%s %s with Content-Type %s', async (method, path, contentType) => {
    const api = await start();
    const response = await api.request(method, path, { body: BODY, headers: { 'Content-Type': contentType } });
    expectFrameworkError(response, 415);
    expect(response.json).toMatchObject({ reason: 'Unsupported Media Type' });
    expect(simulator!.counters.snapshot().applied).toBe(0);
  });

  it('POST without a Content-Type (JAX-RS reads it as application/octet-stream)', async () => {
    const api = await start();
    const response = await api.request('POST', invites(), { body: new TextEncoder().encode(BODY) });
    expectFrameworkError(response, 415);
  });

  it.each(['application/json', 'application/json; charset=UTF-8', 'Application/JSON'])(
    'accepts %s',
    async (contentType) => {
      const api = await start();
      const response = await api.request('POST', invites(), { body: BODY, headers: { 'Content-Type': contentType } });
      expect(response.status).toBe(201);
    },
  );

  it('answers 405 before 415: the method is matched first', async () => {
    const api = await start();
    expectFrameworkError(
      await api.request('POST', invites(`/${JANE}`), { body: BODY, headers: { 'Content-Type': 'text/plain' } }),
      405,
    );
  });
});

describe('the username filter', () => {
  it('compares the whole address ignoring case, and does not trim: a value with spaces matches nothing', async () => {
    const api = await start();
    const names = async (query: string) =>
      ((await api.get(invites(query))).json as Invitation[]).map((invitation) => invitation.username);
    expect(await names('?username=JANE.SMITH%40EXAMPLE.COM')).toEqual(['jane.smith@example.com']);
    expect(await names('?username=%20jane.smith%40example.com%20')).toEqual([]);
  });
});
