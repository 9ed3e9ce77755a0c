import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import { CircuitOpenError, UpstreamPausedError } from '../../src/errors/upstream.ts';
import { createLogger } from '../../src/logger.ts';
import { DeadlineExceeded } from '../../src/operation-deadline.ts';
import type { CallContext } from '../../src/ops-manager/client.ts';
import { DigestClient } from '../../src/ops-manager/digest.ts';
import { createMemoryPauses } from '../../src/ops-manager/pauses.ts';
import {
  backoffTimings,
  createResilience,
  type ResilienceOptions,
  retryDelay,
} from '../../src/ops-manager/resilience.ts';
import type { UpstreamRequest, UpstreamResponse } from '../../src/ops-manager/transport.ts';

// The resilience step through its seam: createResilience over a scripted transport, each call with
// a Digest session of its own (the scripted server asks for no Digest: requests go unsigned).

const URL_ = 'http://om.test/api/public/v1.0/groups/5e2211c17a3e5a48f5497de3/invites';
const OTHER_PROJECT = URL_.replace('5e2211c17a3e5a48f5497de3', '5e2211c17a3e5a48f5497de4');
const GET: UpstreamRequest = { url: URL_, method: 'GET', headers: { accept: 'application/json' } };
const POST: UpstreamRequest = { url: URL_, method: 'POST', headers: {}, body: '{}' };
const logger = createLogger({ level: 'silent' });

const status = (code: number, headers: Record<string, string> = {}): UpstreamResponse => ({
  status: code,
  headers,
  body: `{"status":${code}}`,
});

type Outcome = UpstreamResponse | Error | 'hang';

/** A transport that plays back `outcomes` in order (the last one repeats) and records each request. */
function scripted(...outcomes: Outcome[]) {
  const calls: UpstreamRequest[] = [];
  const send = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    calls.push(request);
    const outcome = outcomes[Math.min(calls.length, outcomes.length) - 1]!;
    if (outcome === 'hang')
      return new Promise((_resolve, reject) =>
        request.signal!.addEventListener('abort', () => reject(request.signal!.reason)),
      );
    if (outcome instanceof Error) throw outcome;
    return { ...outcome };
  };
  return Object.assign(send, { calls });
}

/** Sleeps end at once and are written down; timers fire when `fire()` is called. */
function fakeClock(now = 1_000_000) {
  const timers = new Set<() => void>();
  const clock = {
    at: now,
    sleeps: [] as number[],
    now: () => clock.at,
    random: () => 0.5,
    after: (_ms: number, callback: () => void) => {
      timers.add(callback);
      return () => timers.delete(callback);
    },
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      clock.sleeps.push(ms);
      clock.at += ms;
    },
    fire: () => {
      for (const timer of [...timers]) timer();
    },
    pending: () => timers.size,
  };
  return clock satisfies Clock;
}

function setup(transport: ReturnType<typeof scripted>, options: Partial<ResilienceOptions> = {}) {
  const clock = (options.clock as ReturnType<typeof fakeClock> | undefined) ?? fakeClock();
  const pauseEvents: string[] = [];
  const resilience = createResilience({
    transport,
    clock,
    logger,
    timeoutMs: 1_000,
    maxInFlight: 4,
    retry: { maxRetries: 2 },
    breaker: { failureThreshold: 1_000, halfOpenAfterMs: 60_000 },
    pauses: createMemoryPauses(clock),
    onPause: (event) => pauseEvents.push(event),
    ...options,
  });
  const call = (request: UpstreamRequest = GET, context: CallContext = {}, credentials = 'gateway') =>
    resilience.call(request, context, new DigestClient({ credentials: { username: 'u', password: 'p' } }), credentials);
  return { resilience, call, clock, pauseEvents };
}

describe('retry', () => {
  it('retries a GET answered 503 twice, then returns the 200, with exponential backoff and jitter in the cost', async () => {
    const transport = scripted(status(503), status(503), status(200));
    const { call, clock } = setup(transport);
    const { response, cost } = await call();
    expect(response?.status).toBe(200);
    expect(transport.calls).toHaveLength(3);
    // random 0.5: half fixed, half random, so 100 → 75, 200 → 150.
    expect(clock.sleeps).toEqual([75, 150]);
    expect(cost).toMatchObject({
      retries: [
        { code: 'UPSTREAM_UNAVAILABLE', delayMs: 75 },
        { code: 'UPSTREAM_UNAVAILABLE', delayMs: 150 },
      ],
      roundTrips: 3,
      status: 200,
      attempts: [{ status: '503' }, { status: '503' }, { status: '200' }],
    });
  });

  it('returns the last answer once the retries are used up (the client maps it)', async () => {
    const transport = scripted(status(502));
    const { response } = await setup(transport, { retry: { maxRetries: 1 } }).call();
    expect(response?.status).toBe(502);
    expect(transport.calls).toHaveLength(2);
  });

  it('waits at least what Retry-After asks on a 429, and not past the operation deadline', async () => {
    const { call, clock } = setup(scripted(status(429, { 'retry-after': '3' }), status(200)));
    expect((await call()).cost.retries).toEqual([{ code: 'UPSTREAM_RATE_LIMITED', delayMs: 3_000 }]);
    expect(clock.sleeps).toEqual([3_000]);

    const late = setup(scripted(status(429, { 'retry-after': '3' }), status(200)));
    const { response } = await late.call(GET, { deadlineAt: late.clock.at + 2_000 });
    expect(response?.status).toBe(429);
    expect(late.clock.sleeps).toEqual([]);
  });

  it('never repeats a change that got an answer, nor one that may have been sent; repeats one that never left', async () => {
    const answered = scripted(status(503), status(200));
    expect((await setup(answered).call(POST)).response?.status).toBe(503);
    expect(answered.calls).toHaveLength(1);

    const lost = scripted(new Error('socket hang up'), status(200));
    expect((await setup(lost).call(POST)).error).toMatchObject({ code: 'MUTATION_OUTCOME_UNKNOWN' });
    expect(lost.calls).toHaveLength(1);

    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const never = scripted(new TypeError('fetch failed', { cause: refused }), status(201));
    expect((await setup(never).call(POST)).response?.status).toBe(201);
    expect(never.calls).toHaveLength(2);
  });

  it('does not retry a 4xx, nor after the caller left', async () => {
    const notFound = scripted(status(404), status(200));
    expect((await setup(notFound).call()).response?.status).toBe(404);
    expect(notFound.calls).toHaveLength(1);

    const left = new AbortController();
    const gone = scripted(status(503), status(200));
    const { call } = setup(
      Object.assign(
        (request: UpstreamRequest) => {
          left.abort(new Error('caller left'));
          return gone(request);
        },
        { calls: [] },
      ),
    );
    expect((await call(GET, { signal: left.signal })).response?.status).toBe(503);
    expect(gone.calls).toHaveLength(1);
  });
});

describe('retryDelay', () => {
  const context = { attempt: 0, idempotent: true, now: 0, deadlineAt: undefined, random: 0 };
  it('doubles up to the ceiling, honours Retry-After above it, and never retries the gateway’s own refusals', () => {
    const failure = { code: ErrorCode.UPSTREAM_UNAVAILABLE, notSent: false, retryAfterSeconds: undefined };
    expect(
      [0, 1, 2, 3, 4, 5].map((attempt) =>
        retryDelay(failure, { ...context, attempt }, { maxRetries: 9, baseDelayMs: 100, maxDelayMs: 1_000 }),
      ),
    ).toEqual([50, 100, 200, 400, 500, 500]);
    const policy = { maxRetries: 2, ...backoffTimings };
    expect(retryDelay({ ...failure, retryAfterSeconds: 5 }, context, policy)).toBe(5_000);
    expect(retryDelay(new CircuitOpenError(), context, policy)).toBeUndefined();
    expect(retryDelay(new UpstreamPausedError(3), context, policy)).toBeUndefined();
  });
});

describe('the in-flight cap', () => {
  it('lets at most `maxInFlight` attempts out at once; the others wait, and status() says so', async () => {
    const releases: Array<() => void> = [];
    let inside = 0;
    let most = 0;
    const transport = Object.assign(
      async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise<void>((resolve) => releases.push(resolve));
        inside -= 1;
        return status(200);
      },
      { calls: [] },
    );
    const { resilience, call } = setup(transport, { maxInFlight: 2 });
    const calls = Array.from({ length: 5 }, () => call());
    await new Promise((resolve) => setImmediate(resolve));
    expect(resilience.status().inFlight).toEqual({ active: 2, pending: 3 });
    while (releases.length > 0 || resilience.status().inFlight.active > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(calls);
    expect(most).toBe(2);
    expect(resilience.status().inFlight).toEqual({ active: 0, pending: 0 });
  });
});

describe('the 429 pause', () => {
  it('a 429 with Retry-After pauses that project for that key: calls fail fast, send nothing, and are not retried', async () => {
    const transport = scripted(status(429, { 'retry-after': '5' }), status(200));
    const { call, clock, pauseEvents } = setup(transport, { retry: { maxRetries: 0 } });
    expect((await call()).response?.status).toBe(429);
    clock.at += 2_000;
    const { error } = await call();
    expect(error).toBeInstanceOf(UpstreamPausedError);
    expect(error).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, retryAfterSeconds: 3, notSent: true });
    expect(transport.calls).toHaveLength(1);

    // Another project, another key, and the same project once the pause is over, go through.
    expect((await call({ ...GET, url: OTHER_PROJECT })).response?.status).toBe(200);
    expect((await call(GET, {}, 'caller:abc')).response?.status).toBe(200);
    clock.at += 3_000;
    expect((await call()).response?.status).toBe(200);
    expect(transport.calls).toHaveLength(4);
    expect(pauseEvents).toEqual(['started', 'refused']);
  });

  it('a 429 without Retry-After pauses nothing', async () => {
    const { call } = setup(scripted(status(429), status(200)), { retry: { maxRetries: 0 } });
    await call();
    expect((await call()).response?.status).toBe(200);
  });
});

describe('the breaker', () => {
  const breaker = (failureThreshold: number, halfOpenAfterMs = 60_000) => ({
    breaker: { failureThreshold, halfOpenAfterMs },
    retry: { maxRetries: 0 },
  });

  it('opens after the threshold of consecutive 5xx answers and then refuses without sending', async () => {
    const transport = scripted(status(503));
    const { resilience, call } = setup(transport, breaker(2));
    // A 5xx is still an answer: passed on (the client maps it), and counted.
    expect((await call()).response?.status).toBe(503);
    expect(resilience.status().breaker).toBe('closed');
    await call();
    expect(resilience.status().breaker).toBe('open');
    const { error } = await call();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error?.notSent).toBe(true);
    expect(transport.calls).toHaveLength(2);
  });

  it('counts timeouts and connection failures, not 4xx answers', async () => {
    const transport = scripted(status(404), status(429), 'hang');
    const { resilience, call, clock } = setup(transport, breaker(2));
    await call();
    await call();
    expect(resilience.status().breaker).toBe('closed');
    for (let i = 0; i < 2; i += 1) {
      const pending = call();
      await new Promise((resolve) => setImmediate(resolve));
      clock.fire();
      expect((await pending).error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    }
    expect(resilience.status().breaker).toBe('open');
  });

  it('does not count a call whose caller left, nor one whose context says `uncounted`', async () => {
    const { resilience, call } = setup(scripted('hang', status(503)), breaker(1));
    const left = new AbortController();
    const pending = call(GET, { signal: left.signal });
    await new Promise((resolve) => setImmediate(resolve));
    left.abort(new Error('caller went away'));
    expect((await pending).error?.message).toBe('The operation was cancelled before Ops Manager answered.');
    expect(resilience.status().breaker).toBe('closed');

    expect((await call(GET, { uncounted: true })).response?.status).toBe(503);
    expect(resilience.status().breaker).toBe('closed');
    await call();
    expect(resilience.status().breaker).toBe('open');
  });

  it('half-opens after the pause and closes on a successful probe', async () => {
    const { resilience, call } = setup(scripted(status(500), status(200)), breaker(1, 20));
    await call();
    expect(resilience.status().breaker).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await call()).response?.status).toBe(200);
    expect(resilience.status().breaker).toBe('closed');
  });
});

describe('the attempt’s timeout and the operation’s deadline', () => {
  it('times an attempt out on the injected clock: UPSTREAM_TIMEOUT for a read, outcome unknown for a change; the timer ends with the attempt', async () => {
    const { call, clock } = setup(scripted('hang'), { retry: { maxRetries: 0 } });
    const read = call();
    await new Promise((resolve) => setImmediate(resolve));
    clock.fire();
    const { error, cost } = await read;
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(cost.attempts).toEqual([{ status: 'timeout', durationMs: expect.any(Number) }]);

    const change = call(POST);
    await new Promise((resolve) => setImmediate(resolve));
    clock.fire();
    expect((await change).error).toMatchObject({ code: 'MUTATION_OUTCOME_UNKNOWN' });
    expect(clock.pending()).toBe(0);
  });

  it('never sends an attempt whose operation has already ended, and tells a deadline from a caller who left', async () => {
    const transport = scripted(status(200));
    const { call } = setup(transport);
    expect((await call(POST, { signal: AbortSignal.abort(new DeadlineExceeded()) })).error).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      notSent: true,
    });
    expect((await call(POST, { signal: AbortSignal.abort(new Error('gone')) })).error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'The operation was cancelled before Ops Manager was called.',
      notSent: true,
    });
    expect(transport.calls).toHaveLength(0);
  });
});
