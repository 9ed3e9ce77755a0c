import { describe, expect, it } from 'vitest';
import { ErrorCode, UpstreamError } from '../../../src/errors/index.ts';
import { CircuitOpenError } from '../../../src/ops-manager/stages/breaker.ts';
import { backoffTimings, retry, retryDelay } from '../../../src/ops-manager/stages/retry.ts';
import { fakeClock, GET, POST, record, scripted, status, URL_ } from './helpers.ts';

/** UPSTREAM_MAX_RETRIES's default, and the stage's own backoff timings. */
const TWO_RETRIES = { maxRetries: 2 };

const unavailable = (notSent = false) => new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'down', { notSent });

describe('retry stage', () => {
  it('retries a GET answered 503 twice, then returns the 200, with exponential backoff and jitter written into the record', async () => {
    const clock = fakeClock();
    const next = scripted(status(503), status(503), status(200));
    const call = record();
    const answer = await retry({ clock, policy: TWO_RETRIES })(next)(URL_, GET, call);
    expect(answer.status).toBe(200);
    expect(next.calls).toHaveLength(3);
    // random 0.5: half fixed, half random, so 100 → 75, 200 → 150.
    expect(clock.sleeps).toEqual([75, 150]);
    expect(call.retries).toEqual([
      { code: 'UPSTREAM_UNAVAILABLE', delayMs: 75 },
      { code: 'UPSTREAM_UNAVAILABLE', delayMs: 150 },
    ]);
  });

  it('returns the last answer once the retries are used up (the client maps it)', async () => {
    const next = scripted(status(502));
    const answer = await retry({ clock: fakeClock(), policy: { maxRetries: 1 } })(next)(URL_, GET, record());
    expect(answer.status).toBe(502);
    expect(next.calls).toHaveLength(2);
  });

  it('waits at least what Retry-After asks on a 429', async () => {
    const clock = fakeClock();
    const next = scripted(status(429, { 'retry-after': '3' }), status(200));
    const call = record();
    await retry({ clock, policy: TWO_RETRIES })(next)(URL_, GET, call);
    expect(clock.sleeps).toEqual([3_000]);
    expect(call.retries).toEqual([{ code: 'UPSTREAM_RATE_LIMITED', delayMs: 3_000 }]);
  });

  it('gives up at once when the backoff would end after the operation deadline', async () => {
    const clock = fakeClock();
    const next = scripted(status(429, { 'retry-after': '3' }), status(200));
    const answer = await retry({ clock, policy: TWO_RETRIES })(next)(
      URL_,
      GET,
      record({ deadlineAt: clock.at + 2_000 }),
    );
    expect(answer.status).toBe(429);
    expect(next.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('never repeats a change that got an answer, nor one that may have been sent', async () => {
    const answered = scripted(status(503), status(200));
    expect(
      (await retry({ clock: fakeClock(), policy: TWO_RETRIES })(answered)(URL_, POST, record({}, 'POST'))).status,
    ).toBe(503);
    expect(answered.calls).toHaveLength(1);

    const lost = scripted(unavailable(false), status(200));
    await expect(
      retry({ clock: fakeClock(), policy: TWO_RETRIES })(lost)(URL_, POST, record({}, 'POST')),
    ).rejects.toThrow('down');
    expect(lost.calls).toHaveLength(1);
  });

  it('repeats a change that certainly never left (connection refused)', async () => {
    const next = scripted(unavailable(true), status(201));
    expect(
      (await retry({ clock: fakeClock(), policy: TWO_RETRIES })(next)(URL_, POST, record({}, 'POST'))).status,
    ).toBe(201);
    expect(next.calls).toHaveLength(2);
  });

  it('does not retry an open circuit, a 4xx, or after the caller left; a foreign error becomes UPSTREAM_UNAVAILABLE', async () => {
    const open = scripted(new CircuitOpenError(), status(200));
    await expect(retry({ clock: fakeClock(), policy: TWO_RETRIES })(open)(URL_, GET, record())).rejects.toBeInstanceOf(
      CircuitOpenError,
    );
    expect(open.calls).toHaveLength(1);

    const notFound = scripted(status(404), status(200));
    expect((await retry({ clock: fakeClock(), policy: TWO_RETRIES })(notFound)(URL_, GET, record())).status).toBe(404);

    const left = new AbortController();
    left.abort();
    const gone = scripted(status(503), status(200));
    expect(
      (await retry({ clock: fakeClock(), policy: TWO_RETRIES })(gone)(URL_, GET, record({ signal: left.signal })))
        .status,
    ).toBe(503);
    expect(gone.calls).toHaveLength(1);

    const bug = scripted(new TypeError('oops'));
    await expect(
      retry({ clock: fakeClock(), policy: { maxRetries: 0 } })(bug)(URL_, GET, record()),
    ).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});

describe('retryDelay', () => {
  const context = { attempt: 0, idempotent: true, now: 0, deadlineAt: undefined, random: 0 };
  it('doubles up to the ceiling, and honours Retry-After above it', () => {
    const failure = { code: ErrorCode.UPSTREAM_UNAVAILABLE, notSent: false, retryAfterSeconds: undefined };
    expect(
      [0, 1, 2, 3, 4, 5].map((attempt) =>
        retryDelay(failure, { ...context, attempt }, { maxRetries: 9, baseDelayMs: 100, maxDelayMs: 1_000 }),
      ),
    ).toEqual([50, 100, 200, 400, 500, 500]);
    expect(retryDelay({ ...failure, retryAfterSeconds: 5 }, context, { ...TWO_RETRIES, ...backoffTimings })).toBe(
      5_000,
    );
  });
});
