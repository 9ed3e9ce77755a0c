import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { onAbort } from '../../src/operation-deadline.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('onAbort', () => {
  it('calls every waiter still watching, once, with one listener on the signal', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('a'));
    const stop = onAbort(controller.signal, () => calls.push('b'));
    onAbort(controller.signal, () => calls.push('c'));
    stop();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'c']);
  });

  it('lets go of a waiter that stopped watching, while the signal lives on', async () => {
    const controller = new AbortController();
    let collected = false;
    const registry = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => {
      // What a waiter's callback reaches (a read's answer, say) is kept while it watches.
      const answer = { invitations: new Array(1_000).fill('x') };
      const stop = onAbort(controller.signal, () => answer.invitations.length);
      registry.register(answer, undefined);
      stop();
    })();
    for (let round = 0; round < 10 && !collected; round += 1) {
      gc();
      await sleep(10);
    }
    expect(collected).toBe(true);
    expect(controller.signal.aborted).toBe(false);
  });
});
