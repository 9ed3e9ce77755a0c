import { describe, expect, it } from 'vitest';
import { inFlightLimit } from '../../../src/ops-manager/stages/in-flight-limit.ts';
import { GET, record, status, URL_ } from './helpers.ts';

describe('in-flight limit stage', () => {
  it('lets at most `max` attempts through at once; the others wait in order, and load() says so', async () => {
    const limit = inFlightLimit(2);
    const releases: Array<() => void> = [];
    let inside = 0;
    let most = 0;
    const send = limit.stage(async () => {
      inside += 1;
      most = Math.max(most, inside);
      await new Promise<void>((resolve) => releases.push(resolve));
      inside -= 1;
      return status(200);
    });
    const calls = Array.from({ length: 5 }, () => send(URL_, GET, record()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(limit.load()).toEqual({ active: 2, pending: 3 });
    while (releases.length > 0 || limit.load().active > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(calls);
    expect(most).toBe(2);
    expect(limit.load()).toEqual({ active: 0, pending: 0 });
  });

  it('frees the slot when the attempt fails', async () => {
    const limit = inFlightLimit(1);
    const send = limit.stage(async () => {
      throw new Error('reset');
    });
    await expect(send(URL_, GET, record())).rejects.toThrow('reset');
    expect(limit.load()).toEqual({ active: 0, pending: 0 });
  });
});
