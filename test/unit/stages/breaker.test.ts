import { describe, expect, it } from 'vitest';
import { ErrorCode, NotFoundError, UpstreamError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/logger.ts';
import { CircuitOpenError, UpstreamBreaker } from '../../../src/ops-manager/stages/breaker.ts';
import { GET, record, scripted, status, URL_ } from './helpers.ts';

const logger = createLogger({ level: 'silent' });

describe('breaker stage', () => {
  it('opens after the threshold of consecutive 5xx answers and then refuses without calling', async () => {
    const breaker = new UpstreamBreaker({ failureThreshold: 2, halfOpenAfterMs: 60_000, logger });
    const next = scripted(status(503));
    const send = breaker.stage(next);
    // A 5xx is still an answer: it is passed on (the retry stage and the client decide), and counted.
    expect((await send(URL_, GET, record())).status).toBe(503);
    expect(breaker.state).toBe('closed');
    expect((await send(URL_, GET, record())).status).toBe(503);
    expect(breaker.state).toBe('open');
    await expect(send(URL_, GET, record())).rejects.toBeInstanceOf(CircuitOpenError);
    expect(next.calls).toHaveLength(2);
  });

  it('counts timeouts and connection failures, not 4xx answers, not expected errors', async () => {
    const breaker = new UpstreamBreaker({ failureThreshold: 2, halfOpenAfterMs: 5_000, logger });
    const timeout = new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, 'slow');
    const send = breaker.stage(
      scripted(status(404), new NotFoundError(ErrorCode.PROJECT_NOT_FOUND, 'no'), status(429), timeout, timeout),
    );
    await send(URL_, GET, record());
    await expect(send(URL_, GET, record())).rejects.toBeInstanceOf(NotFoundError);
    await send(URL_, GET, record());
    expect(breaker.state).toBe('closed');
    await expect(send(URL_, GET, record())).rejects.toBe(timeout);
    await expect(send(URL_, GET, record())).rejects.toBe(timeout);
    expect(breaker.state).toBe('open');
  });

  it('does not count a call whose caller left (it says nothing about Ops Manager)', async () => {
    const breaker = new UpstreamBreaker({ failureThreshold: 1, halfOpenAfterMs: 5_000, logger });
    const left = new AbortController();
    left.abort(new Error('caller went away'));
    const send = breaker.stage(scripted(new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, 'cancelled')));
    await expect(send(URL_, GET, record({ signal: left.signal }))).rejects.toThrow('cancelled');
    expect(breaker.state).toBe('closed');
  });

  it('half-opens after the pause and closes on a successful probe', async () => {
    const breaker = new UpstreamBreaker({ failureThreshold: 1, halfOpenAfterMs: 20, logger });
    const send = breaker.stage(scripted(status(500), status(200)));
    await send(URL_, GET, record());
    expect(breaker.state).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await send(URL_, GET, record())).status).toBe(200);
    expect(breaker.state).toBe('closed');
  });
});
