import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../src/ops-manager/fair-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const aborted = () => new Error('left the line');

/** A queue of one slot, and tasks that each hold it until released; `order` says who ran, in order. */
function oneSlot(fair: boolean) {
  const queue = new FairQueue({ concurrency: 1, fair });
  const order: string[] = [];
  const releases: Array<() => void> = [];
  const submit = (caller: string, name: string, signal?: AbortSignal) =>
    queue.run(
      caller,
      async () => {
        order.push(name);
        await new Promise<void>((resolve) => releases.push(resolve));
        return name;
      },
      { signal, onAbort: aborted },
    );
  const drain = async () => {
    while (releases.length > 0 || queue.activeCount > 0) {
      releases.shift()?.();
      await tick();
    }
  };
  return { queue, order, submit, drain };
}

describe('the fair in-flight line', () => {
  it('serves callers in turn: one call of B waits behind one of A, not behind all of them', async () => {
    const { queue, order, submit, drain } = oneSlot(true);
    const calls = ['a1', 'a2', 'a3', 'a4', 'a5'].map((name) => submit('A', name));
    calls.push(submit('B', 'b1'), submit('B', 'b2'));
    await tick();
    expect(queue.pendingCount).toBe(6);
    await drain();
    expect(await Promise.all(calls)).toHaveLength(7);
    // a1 had the slot; then A and B alternate while both wait, each in its own order.
    expect(order).toEqual(['a1', 'a2', 'b1', 'a3', 'b2', 'a4', 'a5']);
  });

  it('with fairness off, is first come, first served (what p-limit did)', async () => {
    const { order, submit, drain } = oneSlot(false);
    const calls = [...['a1', 'a2', 'a3'].map((name) => submit('A', name)), submit('B', 'b1')];
    await drain();
    await Promise.all(calls);
    expect(order).toEqual(['a1', 'a2', 'a3', 'b1']);
  });

  it('never runs more than `concurrency` at once', async () => {
    const queue = new FairQueue({ concurrency: 3 });
    let inside = 0;
    let most = 0;
    const calls = Array.from({ length: 20 }, (_, i) =>
      queue.run(
        `caller-${i % 4}`,
        async () => {
          inside += 1;
          most = Math.max(most, inside);
          await tick();
          inside -= 1;
        },
        { onAbort: aborted },
      ),
    );
    await Promise.all(calls);
    expect(most).toBe(3);
    expect([queue.activeCount, queue.pendingCount]).toEqual([0, 0]);
  });

  it('a waiting call whose signal aborts leaves the line at once and never runs; a failed task frees its slot', async () => {
    const { queue, order, submit, drain } = oneSlot(true);
    const controller = new AbortController();
    const first = submit('A', 'a1');
    const leaving = submit('B', 'b1', controller.signal);
    const after = submit('C', 'c1');
    await tick();
    controller.abort();
    await expect(leaving).rejects.toThrow('left the line');
    expect(queue.pendingCount).toBe(1);
    await drain();
    await Promise.all([first, after]);
    expect(order).toEqual(['a1', 'c1']);

    const failing = queue.run('A', async () => Promise.reject(new Error('boom')), { onAbort: aborted });
    await expect(failing).rejects.toThrow('boom');
    expect(queue.activeCount).toBe(0);
    const alreadyAborted = AbortSignal.abort();
    await expect(queue.run('A', async () => 'ran', { signal: alreadyAborted, onAbort: aborted })).rejects.toThrow(
      'left the line',
    );
  });
});
