import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/clock.ts';
import { isDeadline, operationDeadlines } from '../../src/operation-deadline.ts';
import { useOperationDeadline } from '../../src/plugins/use-operation-deadline.ts';

/** A clock whose timers fire only when the test moves time on. */
function manualClock(): Clock & { advance(ms: number): void; pending(): number } {
  let now = 1_000_000;
  const timers = new Set<{ at: number; callback: () => void }>();
  return {
    ...systemClock,
    now: () => now,
    after(ms, callback) {
      const timer = { at: now + ms, callback };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    advance(ms) {
      now += ms;
      for (const timer of [...timers]) {
        if (timer.at > now) continue;
        timers.delete(timer);
        timer.callback();
      }
    },
    pending: () => timers.size,
  };
}

const answered = (deadlines: ReturnType<typeof operationDeadlines>, request: Request) =>
  useOperationDeadline(deadlines).onResponse!({
    request,
    response: new Response('{}'),
    serverContext: {},
    setResponse: () => {},
    fetchAPI: globalThis,
  } as never);

describe('operationDeadlines', () => {
  it('aborts the operation with a TimeoutError when its deadline passes, on the injected clock', () => {
    const clock = manualClock();
    const deadlines = operationDeadlines({ clock, timeoutMs: 1_000 });
    const { signal, deadlineAt } = deadlines.start(new Request('http://gateway.test/graphql'));
    expect(deadlineAt).toBe(clock.now() + 1_000);
    clock.advance(999);
    expect(signal.aborted).toBe(false);
    clock.advance(1);
    expect(signal.aborted).toBe(true);
    expect(isDeadline(signal)).toBe(true);
  });

  it('aborts with the caller’s own reason when the caller leaves (not a deadline)', () => {
    const clock = manualClock();
    const deadlines = operationDeadlines({ clock, timeoutMs: 1_000 });
    const caller = new AbortController();
    const { signal } = deadlines.start(new Request('http://gateway.test/graphql', { signal: caller.signal }));
    caller.abort(new DOMException('gone', 'AbortError'));
    expect(signal.aborted).toBe(true);
    expect(isDeadline(signal)).toBe(false);
  });

  it('starts aborted when the caller has already left', () => {
    const deadlines = operationDeadlines({ clock: manualClock(), timeoutMs: 1_000 });
    const { signal } = deadlines.start(new Request('http://gateway.test/graphql', { signal: AbortSignal.abort() }));
    expect(signal.aborted).toBe(true);
    expect(isDeadline(signal)).toBe(false);
  });

  it('cancels the timer of every operation of a request once it has answered: nothing fires afterwards', () => {
    const clock = manualClock();
    const deadlines = operationDeadlines({ clock, timeoutMs: 1_000 });
    const request = new Request('http://gateway.test/graphql');
    const first = deadlines.start(request);
    const second = deadlines.start(request);
    const other = deadlines.start(new Request('http://gateway.test/graphql'));
    expect(clock.pending()).toBe(3);
    answered(deadlines, request);
    expect(clock.pending()).toBe(1);
    clock.advance(5_000);
    expect([first.signal.aborted, second.signal.aborted, other.signal.aborted]).toEqual([false, false, true]);
  });

  it('stops watching the caller once answered: a caller leaving afterwards aborts nothing', () => {
    const deadlines = operationDeadlines({ clock: manualClock(), timeoutMs: 1_000 });
    const caller = new AbortController();
    const request = new Request('http://gateway.test/graphql', { signal: caller.signal });
    const { signal } = deadlines.start(request);
    answered(deadlines, request);
    caller.abort();
    expect(signal.aborted).toBe(false);
  });

  it('hears a caller leave from the Node response’s close when there is one, and not after the answer', () => {
    const deadlines = operationDeadlines({ clock: manualClock(), timeoutMs: 1_000 });
    const leaving = new EventEmitter();
    const left = deadlines.start(new Request('http://gateway.test/graphql'), leaving);
    leaving.emit('close');
    expect(left.signal.aborted).toBe(true);
    expect(isDeadline(left.signal)).toBe(false);
    expect(left.signal.reason).toMatchObject({ name: 'AbortError' });

    const staying = new EventEmitter();
    const request = new Request('http://gateway.test/graphql');
    const answeredFirst = deadlines.start(request, staying);
    answered(deadlines, request);
    expect(staying.listenerCount('close')).toBe(0);
    staying.emit('close');
    expect(answeredFirst.signal.aborted).toBe(false);
  });

  it('answers a request that built no context (a refused document) without error', () => {
    const clock = manualClock();
    const deadlines = operationDeadlines({ clock, timeoutMs: 1_000 });
    expect(() => answered(deadlines, new Request('http://gateway.test/graphql'))).not.toThrow();
    expect(clock.pending()).toBe(0);
  });
});
