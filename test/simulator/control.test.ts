import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS, startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { send, TestApiClient } from './client.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const LIST = `/groups/${payments}/invites`;

let simulator: Simulator;
let api: TestApiClient;
const control = (method: string, path: string, body?: unknown) =>
  send(`${simulator.origin}/__simulator/${path}`, method, { body });

beforeEach(async () => {
  simulator = await startSimulator();
  api = new TestApiClient(simulator);
});
afterEach(() => simulator.close());

describe('/__simulator/ HTTP controls', () => {
  it('GET counters returns the snapshot, POST counters/reset zeroes it; neither is counted nor needs auth', async () => {
    await api.get(LIST);
    const counters = await control('GET', 'counters');
    expect(counters.status).toBe(200);
    expect(counters.json).toEqual(simulator.counters.snapshot());
    expect(counters.json).toMatchObject({ requests: 2, challenges: 1, authenticated: 1 });
    expect((await control('POST', 'counters/reset')).status).toBe(204);
    expect(simulator.counters.snapshot()).toEqual({
      requests: 0,
      challenges: 0,
      staleChallenges: 0,
      authenticated: 0,
      byRoute: {},
      byPath: {},
      applied: 0,
    });
  });

  it('POST faults queues a fault with times and match; GET faults reports what is pending; DELETE clears', async () => {
    const injected = await control('POST', 'faults', {
      fault: { kind: 'status', status: 429, retryAfterSeconds: 3 },
      times: 2,
      match: { route: 'GET /groups/{groupId}/invites' },
    });
    expect(injected.status).toBe(201);
    expect(injected.json).toEqual({ pending: 2 });
    const limited = await api.get(LIST);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await control('GET', 'faults')).json).toEqual({ pending: 1 });
    expect((await control('DELETE', 'faults')).status).toBe(204);
    expect(simulator.faults.pending()).toBe(0);
    expect((await api.get(LIST)).status).toBe(200);
  });

  it('accepts times "Infinity"', async () => {
    await control('POST', 'faults', { fault: { kind: 'wrong-shape' }, times: 'Infinity' });
    expect(simulator.faults.pending()).toBe(Infinity);
    expect((await control('GET', 'faults')).json).toEqual({ pending: 'Infinity' });
  });

  it.each([
    ['an unknown kind', { fault: { kind: 'explode' } }],
    ['a bad times', { fault: { kind: 'hang' }, times: 0 }],
    ['an unknown match field', { fault: { kind: 'hang' }, match: { path: '/x' } }],
    ['not JSON', 'nope'],
  ])('refuses a fault with %s (400) and queues nothing', async (_name, body) => {
    const response = await control('POST', 'faults', body);
    expect(response.status).toBe(400);
    expect(simulator.faults.pending()).toBe(0);
  });

  it('POST latency sets the latency of every API response', async () => {
    await api.get(LIST);
    expect((await control('POST', 'latency', { ms: 150 })).status).toBe(204);
    const started = performance.now();
    await api.get(LIST);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect((await control('POST', 'latency', { ms: -5 })).status).toBe(400);
  });

  it('POST reset reseeds the data (the configured seed, or the one given)', async () => {
    await api.delete(`${LIST}/6123a4b5c6d7e8f901a2b301`);
    expect(simulator.store.listInvitations(payments)).toHaveLength(2);
    expect((await control('POST', 'reset')).status).toBe(204);
    expect(simulator.store.listInvitations(payments)).toHaveLength(3);
    expect((await control('POST', 'reset', { seed: 'empty' })).status).toBe(204);
    expect(simulator.store.listProjects()).toEqual([]);
    expect((await api.get(LIST)).json).toMatchObject({ errorCode: 'GROUP_NOT_FOUND' });
    await control('POST', 'reset', { seed: { projects: 2, invitationsPerProject: 1 } });
    expect(simulator.store.listProjects()).toHaveLength(2);
  });

  it('answers 404 for an unknown control, without counting it', async () => {
    const response = await control('GET', 'nothing-here');
    expect(response.status).toBe(404);
    expect(simulator.counters.snapshot().requests).toBe(0);
  });
});

describe('counters', () => {
  it('count every route by key, every path, challenges and applied mutations', async () => {
    const item = `${LIST}/6123a4b5c6d7e8f901a2b302`;
    await api.get(`${LIST}?username=jane.smith@example.com`);
    await api.get(item);
    await api.post(LIST, { roles: ['GROUP_OWNER'], username: 'counted@example.com' });
    await api.patch(LIST, { roles: ['GROUP_READ_ONLY'], username: 'counted@example.com' });
    await api.patch(item, { roles: ['GROUP_OWNER'] });
    await api.delete(item);
    await api.get(item); // 404: counted as a request on its route, not applied
    const path = `/api/public/v1.0${LIST}`;
    expect(simulator.counters.snapshot()).toEqual({
      requests: 8,
      challenges: 1,
      staleChallenges: 0,
      authenticated: 7,
      byRoute: {
        'GET /groups/{groupId}/invites': 1,
        'GET /groups/{groupId}/invites/{invitationId}': 2,
        'POST /groups/{groupId}/invites': 1,
        'PATCH /groups/{groupId}/invites': 1,
        'PATCH /groups/{groupId}/invites/{invitationId}': 1,
        'DELETE /groups/{groupId}/invites/{invitationId}': 1,
      },
      byPath: {
        [`GET ${path}`]: 1,
        [`GET ${path}/6123a4b5c6d7e8f901a2b302`]: 2,
        [`POST ${path}`]: 1,
        [`PATCH ${path}`]: 1,
        [`PATCH ${path}/6123a4b5c6d7e8f901a2b302`]: 1,
        [`DELETE ${path}/6123a4b5c6d7e8f901a2b302`]: 1,
      },
      applied: 4,
    });
  });

  it('snapshots are copies', async () => {
    const snapshot = simulator.counters.snapshot();
    snapshot.byRoute['x'] = 1;
    await api.get(LIST);
    expect(simulator.counters.snapshot().byRoute).toEqual({ 'GET /groups/{groupId}/invites': 1 });
  });
});
