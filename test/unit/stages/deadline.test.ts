import { describe, expect, it } from 'vitest';
import { deadline } from '../../../src/ops-manager/stages/deadline.ts';
import { GET, POST, record, scripted, status, URL_ } from './helpers.ts';

/** A next stage that never answers until its signal aborts. */
const hanging = async (_url: string, init: { signal?: AbortSignal | undefined }) =>
  new Promise<Response>((_resolve, reject) =>
    init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
  );

describe('deadline stage', () => {
  it('records each attempt: status and duration, and the call status', async () => {
    const call = record();
    await deadline({ timeoutMs: 1_000 })(scripted(status(404)))(URL_, GET, call);
    expect(call.status).toBe(404);
    expect(call.attempts).toEqual([{ status: '404', durationMs: expect.any(Number) }]);
  });

  it('aborts an attempt past its timeout: UPSTREAM_TIMEOUT for a read, outcome unknown for a change', async () => {
    const read = record();
    await expect(deadline({ timeoutMs: 20 })(hanging)(URL_, GET, read)).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
    });
    expect(read.attempts[0]!.status).toBe('timeout');
    await expect(deadline({ timeoutMs: 20 })(hanging)(URL_, POST, record({}, 'POST'))).rejects.toMatchObject({
      code: 'MUTATION_OUTCOME_UNKNOWN',
    });
  });

  it('gives the next stage a signal that the operation aborts too', async () => {
    const operation = new AbortController();
    const pending = deadline({ timeoutMs: 10_000 })(hanging)(URL_, GET, record({ signal: operation.signal }));
    operation.abort(new Error('caller left'));
    await expect(pending).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'The operation was cancelled before Ops Manager answered.',
    });
  });

  it('never sends an attempt whose operation has already ended', async () => {
    const next = scripted(status(200));
    await expect(
      deadline({ timeoutMs: 1_000 })(next)(
        URL_,
        POST,
        record({ signal: AbortSignal.abort(new DOMException('late', 'TimeoutError')) }, 'POST'),
      ),
    ).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', notSent: true });
    expect(next.calls).toHaveLength(0);
  });

  it('tells a connection that was never made (safe to repeat) from one that broke', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    await expect(
      deadline({ timeoutMs: 1_000 })(scripted(refused))(URL_, POST, record({}, 'POST')),
    ).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', notSent: true });
    await expect(
      deadline({ timeoutMs: 1_000 })(scripted(new Error('socket hang up')))(URL_, POST, record({}, 'POST')),
    ).rejects.toMatchObject({ code: 'MUTATION_OUTCOME_UNKNOWN' });
  });
});
