import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_PROJECT_IDS,
  type Invitation,
  type PlannedRequest,
  type Simulator,
  seededFaultPlan,
  startSimulator,
} from '../../src/simulator/index.ts';
import { send, settle, TestApiClient, waitFor } from './client.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const LIST = `/groups/${payments}/invites`;
const LIST_ROUTE = 'GET /groups/{groupId}/invites';
const NEW_INVITATION = { roles: ['GROUP_OWNER'], username: 'fault.test@example.com' };

let simulator: Simulator;
let api: TestApiClient;

beforeEach(async () => {
  simulator = await startSimulator();
  api = new TestApiClient(simulator);
});
afterEach(() => simulator.close());

describe('status faults', () => {
  it('answers the status N times, then normally, with an Ops Manager error body', async () => {
    simulator.faults.inject({ kind: 'status', status: 503 }, { times: 2 });
    expect(simulator.faults.pending()).toBe(2);
    const first = await api.get(LIST);
    expect(first.status).toBe(503);
    expect(first.headers.get('x-error-code')).toBe('SERVICE_UNAVAILABLE');
    expect(first.headers.get('retry-after')).toBeNull();
    expect(first.json).toMatchObject({
      error: 503,
      errorCode: 'SERVICE_UNAVAILABLE',
      reason: 'Service Unavailable',
      parameters: [],
    });
    expect((await api.get(LIST)).status).toBe(503);
    expect((await api.get(LIST)).status).toBe(200);
    expect(simulator.faults.pending()).toBe(0);
  });

  it('is not consumed by the Digest handshake', async () => {
    simulator.faults.inject({ kind: 'status', status: 500 });
    const unauthenticated = await send(simulator.baseUrl + LIST, 'GET');
    expect(unauthenticated.status).toBe(401);
    expect(simulator.faults.pending()).toBe(1);
    const response = await api.get(LIST); // handshake + one signed request
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ errorCode: 'UNEXPECTED_ERROR' });
    expect(simulator.counters.snapshot()).toMatchObject({ challenges: 2, authenticated: 1 });
  });

  it('429 carries RATE_LIMITED and Retry-After (1 s by default)', async () => {
    simulator.faults.inject({ kind: 'status', status: 429 });
    simulator.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    simulator.faults.inject({ kind: 'status', status: 429, retryAfterSeconds: null });
    const defaulted = await api.get(LIST);
    expect(defaulted.status).toBe(429);
    expect(defaulted.headers.get('retry-after')).toBe('1');
    expect(defaulted.json).toMatchObject({ error: 429, errorCode: 'RATE_LIMITED', reason: 'Too Many Requests' });
    expect((await api.get(LIST)).headers.get('retry-after')).toBe('7');
    const without = await api.get(LIST);
    expect(without.status).toBe(429);
    expect(without.headers.get('retry-after')).toBeNull();
  });

  it('sends a given body: JSON as JSON, a string as is', async () => {
    simulator.faults.inject({ kind: 'status', status: 409, body: { error: 409, errorCode: 'CUSTOM' } });
    simulator.faults.inject({ kind: 'status', status: 502, body: '<html><body>Bad Gateway</body></html>' });
    const custom = await api.get(LIST);
    expect(custom.status).toBe(409);
    expect(custom.json).toEqual({ error: 409, errorCode: 'CUSTOM' });
    const html = await api.get(LIST);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toBe('<html><body>Bad Gateway</body></html>');
  });

  it('does not apply a mutation it answers', async () => {
    simulator.faults.inject({ kind: 'status', status: 503 });
    expect((await api.post(LIST, NEW_INVITATION)).status).toBe(503);
    expect(simulator.counters.snapshot().applied).toBe(0);
    expect(simulator.store.listInvitations(payments, { username: NEW_INVITATION.username })).toEqual([]);
  });
});

describe('body faults', () => {
  it('malformed-json: 200 with a JSON content type and a body that does not parse', async () => {
    simulator.faults.inject({ kind: 'malformed-json' });
    const response = await api.get(LIST);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(response.text)).toThrow(SyntaxError);
  });

  it('wrong-shape: 200 with valid JSON that is not the expected shape', async () => {
    simulator.faults.inject({ kind: 'wrong-shape' });
    const response = await api.get(LIST);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ results: 5 });
  });
});

describe('reset faults', () => {
  it("'receive' drops the connection before doing anything", async () => {
    simulator.faults.inject({ kind: 'reset' });
    const outcome = await settle(api.post(LIST, NEW_INVITATION));
    expect(outcome.ok).toBe(false);
    expect(simulator.counters.snapshot().applied).toBe(0);
    expect(simulator.store.listInvitations(payments, { username: NEW_INVITATION.username })).toEqual([]);
    expect((await api.get(LIST)).status).toBe(200); // the simulator itself is fine
  });

  it("'apply' drops the connection after the mutation was applied", async () => {
    simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'POST' } });
    const outcome = await settle(api.post(LIST, NEW_INVITATION));
    expect(outcome.ok).toBe(false);
    expect(simulator.counters.snapshot().applied).toBe(1);
    expect(simulator.store.listInvitations(payments, { username: NEW_INVITATION.username })).toHaveLength(1);
    // A blind retry now conflicts: exactly what "applied at most once" tests need to see.
    expect((await api.post(LIST, NEW_INVITATION)).status).toBe(409);
    expect(simulator.counters.snapshot().applied).toBe(1);
  });
});

describe('timing faults', () => {
  it('hang: never answers; close() releases it promptly', async () => {
    simulator.faults.inject({ kind: 'hang' });
    const pending = settle(api.get(LIST));
    await waitFor(() => simulator.counters.snapshot().authenticated === 1);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    const started = performance.now();
    await simulator.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((await pending).ok).toBe(false);
  });

  it('hang: a client that gives up gets its error, and the simulator keeps serving', async () => {
    await api.get(LIST); // handshake first, so the abort hits the hung request itself
    simulator.faults.inject({ kind: 'hang' });
    const outcome = await settle(api.get(LIST, { signal: AbortSignal.timeout(150) }));
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: Error }).error.name).toBe('TimeoutError');
    expect((await api.get(LIST)).status).toBe(200);
    expect(simulator.counters.snapshot().authenticated).toBe(3);
  });

  it('latency: delays the answer by at least the given time, then answers normally', async () => {
    await api.get(LIST); // handshake first, so only the faulted request is timed
    simulator.faults.inject({ kind: 'latency', ms: 200 });
    const started = performance.now();
    const response = await api.get(LIST);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(response.status).toBe(200);
    expect(Array.isArray(response.json)).toBe(true);
  });

  it('setLatency adds latency to every API response until set back', async () => {
    await api.get(LIST);
    simulator.setLatency(120);
    let started = performance.now();
    await api.get(LIST);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    simulator.setLatency(0);
    started = performance.now();
    await api.get(LIST);
    expect(performance.now() - started).toBeLessThan(110);
    expect(() => simulator.setLatency(-1)).toThrow(RangeError);
  });

  it('latencyMs start option applies to challenges too', async () => {
    const slow = await startSimulator({ latencyMs: 100 });
    try {
      const started = performance.now();
      expect((await send(slow.baseUrl + LIST, 'GET')).status).toBe(401);
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    } finally {
      await slow.close();
    }
  });
});

describe('fault queue', () => {
  it('matches by route, method and group, leaving other requests alone', async () => {
    simulator.faults.inject({ kind: 'status', status: 503 }, { match: { route: 'POST /groups/{groupId}/invites' } });
    simulator.faults.inject({ kind: 'status', status: 500 }, { match: { groupId: analytics } });
    simulator.faults.inject({ kind: 'status', status: 502 }, { match: { method: 'delete' } });
    expect((await api.get(LIST)).status).toBe(200);
    expect((await api.get(`/groups/${analytics}/invites`)).status).toBe(500);
    expect((await api.post(LIST, NEW_INVITATION)).status).toBe(503);
    expect((await api.delete(`${LIST}/6123a4b5c6d7e8f901a2b302`)).status).toBe(502);
    expect(simulator.faults.pending()).toBe(0);
  });

  it('hands faults out in the order they were queued', async () => {
    simulator.faults.inject({ kind: 'status', status: 500 }, { times: 2 });
    simulator.faults.inject({ kind: 'status', status: 503 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await api.get(LIST)).status);
    expect(statuses).toEqual([500, 500, 503, 200]);
  });

  it('supports times: Infinity until cleared', async () => {
    simulator.faults.inject({ kind: 'status', status: 503 }, { times: Infinity, match: { route: LIST_ROUTE } });
    expect(simulator.faults.pending()).toBe(Infinity);
    for (let i = 0; i < 3; i += 1) expect((await api.get(LIST)).status).toBe(503);
    simulator.faults.clear();
    expect(simulator.faults.pending()).toBe(0);
    expect((await api.get(LIST)).status).toBe(200);
  });

  it('refuses a times that is not a positive integer', () => {
    expect(() => simulator.faults.inject({ kind: 'hang' }, { times: 0 })).toThrow(RangeError);
    expect(() => simulator.faults.inject({ kind: 'hang' }, { times: 1.5 })).toThrow(RangeError);
    expect(simulator.faults.pending()).toBe(0);
  });

  it('envelopes an injected status like any other error', async () => {
    simulator.faults.inject({ kind: 'status', status: 503 });
    const response = await api.get(`${LIST}?envelope=true`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 503, content: { errorCode: 'SERVICE_UNAVAILABLE' } });
  });

  it('counts faulted requests as authenticated requests on their route', async () => {
    simulator.faults.inject({ kind: 'wrong-shape' });
    await api.get(LIST);
    expect(simulator.counters.snapshot().byRoute).toEqual({ [LIST_ROUTE]: 1 });
    expect((await api.get(LIST)).json as Invitation[]).toHaveLength(3);
  });
});

describe('fault plan', () => {
  it('is asked about each authenticated request no queued fault matches: what it is and how many times it came', async () => {
    const seen: PlannedRequest[] = [];
    simulator.faults.plan((request) => {
      seen.push(request);
      return request.method === 'POST' && request.occurrence === 2 ? { kind: 'status', status: 503 } : undefined;
    });
    simulator.faults.inject({ kind: 'status', status: 500 }, { match: { method: 'GET' } });
    expect((await api.get(LIST)).status).toBe(500); // the queue first: the plan is not asked
    expect((await api.get(`${LIST}?pageNum=1`)).status).toBe(200);
    expect((await api.post(LIST, NEW_INVITATION)).status).toBe(201);
    expect((await api.post(LIST, NEW_INVITATION)).status).toBe(503); // the same request, a second time
    expect((await api.post(LIST, { ...NEW_INVITATION, username: 'other@example.com' })).status).toBe(201);
    expect(seen.map(({ method, path, occurrence }) => `${method} ${path} ${occurrence}`)).toEqual([
      `GET /api/public/v1.0${LIST}?pageNum=1 1`,
      `POST /api/public/v1.0${LIST} 1`,
      `POST /api/public/v1.0${LIST} 2`,
      `POST /api/public/v1.0${LIST} 1`,
    ]);
    expect(JSON.parse(seen[1]!.body)).toEqual(NEW_INVITATION);
    expect(seen[0]).toMatchObject({ body: '', route: LIST_ROUTE, groupId: payments });
  });

  it('stops with clear(), and counts occurrences again when set anew', async () => {
    const occurrences: number[] = [];
    const plan = (request: PlannedRequest) => void occurrences.push(request.occurrence);
    simulator.faults.plan(plan);
    await api.get(LIST);
    await api.get(LIST);
    simulator.faults.clear();
    await api.get(LIST);
    simulator.faults.plan(plan);
    await api.get(LIST);
    expect(occurrences).toEqual([1, 2, 1]);
  });
});

describe('seededFaultPlan', () => {
  const FAULTS = [{ kind: 'hang' }, { kind: 'status', status: 503 }, { kind: 'reset', after: 'apply' }] as const;
  const request = (method: string, n: number, occurrence = 1): PlannedRequest => ({
    method,
    route: undefined,
    groupId: undefined,
    path: `/groups/${payments}/invites/${n}`,
    body: method === 'GET' ? '' : `{"n":${n}}`,
    occurrence,
  });
  const decide = (seed: number, method: string, occurrence = 1) => {
    const plan = seededFaultPlan({ seed, faults: FAULTS, readRate: 0.05, changeRate: 0.13 });
    return Array.from({ length: 4000 }, (_, n) => plan(request(method, n, occurrence)));
  };

  it('gives the same faults to the same requests for a seed, other faults for another seed or a second arrival', () => {
    const once = decide(7, 'POST');
    expect(decide(7, 'POST')).toEqual(once);
    expect(decide(8, 'POST')).not.toEqual(once);
    expect(decide(7, 'POST', 2)).not.toEqual(once);
  });

  it('faults about the share of reads and changes asked, with each fault of the list', () => {
    const reads = decide(7, 'GET').filter(Boolean);
    const changes = decide(7, 'DELETE').filter(Boolean);
    expect(reads.length / 4000).toBeGreaterThan(0.04);
    expect(reads.length / 4000).toBeLessThan(0.06);
    expect(changes.length / 4000).toBeGreaterThan(0.115);
    expect(changes.length / 4000).toBeLessThan(0.145);
    expect(new Set(changes)).toEqual(new Set(FAULTS));
  });

  it('refuses a rate outside 0..1 and an empty list', () => {
    expect(() => seededFaultPlan({ seed: 1, faults: FAULTS, readRate: 1.5, changeRate: 0 })).toThrow(RangeError);
    expect(() => seededFaultPlan({ seed: 1, faults: [], readRate: 0, changeRate: 0 })).toThrow(RangeError);
  });
});
