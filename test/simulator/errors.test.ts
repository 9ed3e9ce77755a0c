import { fixture } from '../fixtures.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_PROJECT_IDS, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { TestApiClient, type TestResponse } from './client.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const base = (path: string) => `/groups/${payments}/invites${path}`;

let simulator: Simulator;
let api: TestApiClient;

beforeEach(async () => {
  simulator = await startSimulator();
  api = new TestApiClient(simulator);
});
afterEach(() => simulator.close());

/** Every Ops Manager error: JSON body with the code, the same code in X-Error-Code, the HTTP status in `error`. */
function expectApiError(response: TestResponse, status: number, errorCode: string, detail?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('x-error-code')).toBe(errorCode);
  expect(response.json).toMatchObject({ error: status, errorCode });
  expect(Object.keys(response.json as object).sort()).toEqual(['detail', 'error', 'errorCode', 'parameters', 'reason']);
  if (detail !== undefined) expect((response.json as { detail: string }).detail).toBe(detail);
}

describe('path errors', () => {
  it('INVALID_GROUP_ID (404) for a group id that is not 24 hex', async () => {
    const response = await api.get('/groups/not-a-group/invites');
    expectApiError(response, 404, 'INVALID_GROUP_ID', 'An invalid group ID not-a-group was specified.');
    expect(response.json).toMatchObject({ reason: 'Not Found', parameters: ['not-a-group'] });
  });

  it('GROUP_NOT_FOUND (404) matches the body recorded from a real server', async () => {
    const response = await api.get('/groups/111111111111111111111111/invites');
    expectApiError(response, 404, 'GROUP_NOT_FOUND', 'No group with ID 111111111111111111111111 exists.');
    expect(response.json).toEqual(fixture('atlas-real-404-GROUP_NOT_FOUND'));
  });

  it.each([
    ['GET', 'an unknown invitation id', '/000000000000000000000000'],
    ['GET', 'an invitation id that is not 24 hex', '/not-an-id'],
    ['DELETE', 'an unknown invitation id', '/000000000000000000000000'],
  ])('RESOURCE_NOT_FOUND (404) on %s with %s', async (method, _name, suffix) => {
    expectApiError(await api.request(method, base(suffix)), 404, 'RESOURCE_NOT_FOUND');
  });

  it('RESOURCE_NOT_FOUND (404) for PATCH by id of an unknown invitation', async () => {
    expectApiError(
      await api.patch(base('/000000000000000000000000'), { roles: ['GROUP_OWNER'] }),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it('RESOURCE_NOT_FOUND (404) when no pending invitation has the username', async () => {
    const response = await api.patch(base(''), { roles: ['GROUP_OWNER'], username: 'nobody@example.com' });
    expectApiError(
      response,
      404,
      'RESOURCE_NOT_FOUND',
      'Cannot find resource invitation for username nobody@example.com.',
    );
  });

  it('RESOURCE_NOT_FOUND (404) for an unknown path, with the path as parameter', async () => {
    const response = await api.get(`/groups/${payments}/clusters`);
    expectApiError(response, 404, 'RESOURCE_NOT_FOUND');
    expect(response.json).toMatchObject({ parameters: [`/api/public/v1.0/groups/${payments}/clusters`] });
    expect(simulator.counters.snapshot().byRoute).toEqual({});
    expect(simulator.counters.snapshot().byPath).toEqual({ [`GET /api/public/v1.0/groups/${payments}/clusters`]: 1 });
  });

  it.each([
    ['PUT', ''],
    ['DELETE', ''],
    ['POST', '/6123a4b5c6d7e8f901a2b301'],
    ['PUT', '/6123a4b5c6d7e8f901a2b301'],
  ])('405 for %s on invites%s, with an Allow header', async (method, suffix) => {
    const response = await api.request(method, base(suffix), { body: { roles: ['GROUP_OWNER'] } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(suffix === '' ? 'GET, POST, PATCH' : 'GET, PATCH, DELETE');
    expect(response.json).toMatchObject({ error: 405, reason: 'Method Not Allowed' });
  });
});

describe('body errors', () => {
  const create = (body: unknown) => api.post(base(''), body);

  it.each([
    ['not JSON', 'roles=GROUP_OWNER'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['empty', ''],
  ])('INVALID_JSON (400) for a body that is %s', async (_name, body) => {
    expectApiError(await create(body), 400, 'INVALID_JSON', 'Received JSON does not match expected format.');
  });

  it.each([
    ['roles missing', { username: 'a@example.com' }, 'roles'],
    ['roles null', { roles: null, username: 'a@example.com' }, 'roles'],
    ['roles empty', { roles: [], username: 'a@example.com' }, 'roles'],
    ['username missing', { roles: ['GROUP_OWNER'] }, 'username'],
  ])('MISSING_ATTRIBUTE (400) with %s', async (_name, body, attribute) => {
    const response = await create(body);
    expectApiError(response, 400, 'MISSING_ATTRIBUTE', `The required attribute ${attribute} was not specified.`);
    expect(response.json).toMatchObject({ parameters: [attribute] });
  });

  it('MISSING_ATTRIBUTE (400) for PATCH by id without roles, and for PATCH by username without username', async () => {
    expectApiError(await api.patch(base('/6123a4b5c6d7e8f901a2b301'), {}), 400, 'MISSING_ATTRIBUTE');
    expectApiError(await api.patch(base(''), { roles: ['GROUP_OWNER'] }), 400, 'MISSING_ATTRIBUTE');
  });

  it('INVALID_ROLE_FOR_GROUP (400) for a role Ops Manager does not know', async () => {
    const response = await create({ roles: ['GROUP_OWNER', 'ORG_OWNER'], username: 'a@example.com' });
    expectApiError(response, 400, 'INVALID_ROLE_FOR_GROUP', `Role ORG_OWNER is invalid for group ${payments}.`);
    expect(response.json).toMatchObject({ parameters: ['ORG_OWNER', payments] });
    const patch = await api.patch(base('/6123a4b5c6d7e8f901a2b301'), { roles: ['GROUP_SEARCH_INDEX_EDITOR'] });
    expectApiError(patch, 400, 'INVALID_ROLE_FOR_GROUP');
  });

  it.each([
    'not-an-email',
    'two@@example.com',
    'spaces in@example.com',
    'no-tld@example',
    `${'a'.repeat(250)}@example.com`,
  ])('INVALID_EMAIL_ADDRESS (400) for %s', async (username) => {
    expectApiError(await create({ roles: ['GROUP_OWNER'], username }), 400, 'INVALID_EMAIL_ADDRESS');
  });

  it('INVALID_ATTRIBUTE (400) for an attribute the call does not take', async () => {
    const response = await create({ roles: ['GROUP_OWNER'], username: 'a@example.com', teamIds: [] });
    expectApiError(response, 400, 'INVALID_ATTRIBUTE', 'Invalid attribute teamIds specified.');
    // Update by id takes roles (and the invitation's own username, as seed 003's example sends it: variants.test.ts).
    const patch = await api.patch(base('/6123a4b5c6d7e8f901a2b301'), { roles: ['GROUP_OWNER'], teamIds: [] });
    expectApiError(patch, 400, 'INVALID_ATTRIBUTE', 'Invalid attribute teamIds specified.');
  });

  it('INVALID_JSON_ATTRIBUTE (400) for a value of the wrong JSON type', async () => {
    expectApiError(await create({ roles: 'GROUP_OWNER', username: 'a@example.com' }), 400, 'INVALID_JSON_ATTRIBUTE');
    expectApiError(await create({ roles: ['GROUP_OWNER'], username: 42 }), 400, 'INVALID_JSON_ATTRIBUTE');
  });

  it('USER_ALREADY_EXISTS (409) when the username (any case) already has a pending invitation', async () => {
    const response = await create({ roles: ['GROUP_OWNER'], username: 'JANE.SMITH@example.com' });
    expectApiError(response, 409, 'USER_ALREADY_EXISTS', 'A user with username JANE.SMITH@example.com already exists.');
    expect(response.json).toMatchObject({ reason: 'Conflict' });
    // The same address may be invited to another project.
    expect(
      (await api.post(`/groups/${analytics}/invites`, { roles: ['GROUP_OWNER'], username: 'jane.smith@example.com' }))
        .status,
    ).toBe(201);
  });

  it('413 for a body over the limit (1 MiB by default), and the connection still answers', async () => {
    const response = await create({
      roles: ['GROUP_OWNER'],
      username: 'a@example.com',
      padding: 'x'.repeat(1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect((await api.get(base(''))).status).toBe(200);
  });

  it('honours a smaller maxBodyBytes', async () => {
    const small = await startSimulator({ maxBodyBytes: 64 });
    try {
      const response = await new TestApiClient(small).post(base(''), {
        roles: ['GROUP_OWNER'],
        username: `${'a'.repeat(64)}@example.com`,
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('applies nothing when a call fails', async () => {
    await create({ roles: ['NOPE'], username: 'a@example.com' });
    await create({ roles: ['GROUP_OWNER'], username: 'jane.smith@example.com' });
    await api.delete(base('/000000000000000000000000'));
    expect(simulator.counters.snapshot().applied).toBe(0);
    expect(simulator.store.listInvitations(payments)).toHaveLength(3);
  });
});

describe('NOT_GROUP_USER_ADMIN', () => {
  it('answers 401 with the code and no Digest challenge for a key without Project User Admin', async () => {
    simulator.store.denyUserAdmin(payments, DEMO_API_KEY.publicKey);
    const response = await api.get(base(''));
    expectApiError(response, 401, 'NOT_GROUP_USER_ADMIN');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(simulator.counters.snapshot()).toMatchObject({ challenges: 1, authenticated: 1 });
    expect((await api.get(`/groups/${analytics}/invites`)).status).toBe(200);
    simulator.store.allowUserAdmin(payments, DEMO_API_KEY.publicKey);
    expect((await api.get(base(''))).status).toBe(200);
  });

  it('applies to every key when no key is named', async () => {
    simulator.store.denyUserAdmin(payments);
    expectApiError(
      await api.post(base(''), { roles: ['GROUP_OWNER'], username: 'a@example.com' }),
      401,
      'NOT_GROUP_USER_ADMIN',
    );
    expect(simulator.counters.snapshot().applied).toBe(0);
  });
});
