import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/index.ts';
import { createMemoryPauses } from '../../../src/ops-manager/pauses.ts';
import { respectPauses, UpstreamPausedError } from '../../../src/ops-manager/stages/pause.ts';
import { retry } from '../../../src/ops-manager/stages/retry.ts';
import { fakeClock, GET, record, scripted, status, URL_ } from './helpers.ts';

const OTHER_PROJECT = URL_.replace('5e2211c17a3e5a48f5497de3', '5e2211c17a3e5a48f5497de4');

describe('the 429 pause stage', () => {
  it('a 429 with Retry-After pauses that project for that long: calls fail fast with the seconds left, and send nothing', async () => {
    const clock = fakeClock();
    const pauses = createMemoryPauses(clock);
    const events: string[] = [];
    const next = scripted(status(429, { 'retry-after': '5' }), status(200));
    const send = respectPauses({ pauses, credentials: 'gateway', clock, onPause: (event) => events.push(event) })(next);

    expect((await send(URL_, GET, record())).status).toBe(429);
    clock.at += 2_000;
    const refused = await send(URL_, GET, record()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamPausedError);
    expect(refused).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, retryAfterSeconds: 3, notSent: true });
    expect(next.calls).toHaveLength(1);

    // Another project, and the same project once the pause is over, go through.
    expect((await send(OTHER_PROJECT, GET, record())).status).toBe(200);
    clock.at += 3_000;
    expect((await send(URL_, GET, record())).status).toBe(200);
    expect(next.calls).toHaveLength(3);
    expect(events).toEqual(['started', 'refused']);
  });

  it('pauses never cross credentials, and a 429 without Retry-After pauses nothing', async () => {
    const clock = fakeClock();
    const pauses = createMemoryPauses(clock);
    const gateway = scripted(status(429, { 'retry-after': '30' }));
    await respectPauses({ pauses, credentials: 'gateway', clock })(gateway)(URL_, GET, record());
    const caller = scripted(status(200));
    expect(
      (await respectPauses({ pauses, credentials: 'caller:abc', clock })(caller)(URL_, GET, record())).status,
    ).toBe(200);

    const bare = scripted(status(429), status(200));
    const send = respectPauses({ pauses: createMemoryPauses(clock), credentials: 'gateway', clock })(bare);
    await send(URL_, GET, record());
    expect((await send(URL_, GET, record())).status).toBe(200);
  });

  it('under the retry stage: the 429 is retried after its Retry-After, but a refusal during a pause is not retried', async () => {
    const clock = fakeClock();
    const pauses = createMemoryPauses(clock);
    const next = scripted(status(429, { 'retry-after': '1' }), status(200));
    const send = retry({ policy: { maxRetries: 2 }, clock })(
      respectPauses({ pauses, credentials: 'gateway', clock })(next),
    );
    expect((await send(URL_, GET, record())).status).toBe(200);
    expect(clock.sleeps).toEqual([1_000]);

    await pauses.pause(`gateway:5e2211c17a3e5a48f5497de3`, 10_000);
    await expect(send(URL_, GET, record())).rejects.toBeInstanceOf(UpstreamPausedError);
    expect(clock.sleeps).toEqual([1_000]);
    expect(next.calls).toHaveLength(2);
  });
});
