import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { forcedExitCode, type ShutdownOptions, shutdownOnSignal } from '../../src/shutdown.ts';

/** The handler with a recorded exit, a recorded log and the given steps. */
function shutdown(overrides: Partial<ShutdownOptions>) {
  const messages: string[] = [];
  const logger = createLogger({
    destination: new Writable({
      write(chunk, _encoding, callback) {
        messages.push((JSON.parse(String(chunk)) as { msg: string }).msg);
        callback();
      },
    }),
  });
  let exitCode: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (exitCode = resolve));
  const codes: number[] = [];
  const onSignal = shutdownOnSignal({
    graceMs: 10_000,
    stop: async () => {},
    logger,
    drainLogs: async () => {},
    exit: (code) => {
      codes.push(code);
      exitCode(code);
    },
    ...overrides,
  });
  return { onSignal, exited, codes, messages };
}

const never = () => new Promise<void>(() => {});

describe('shutdown on a signal', () => {
  it('exits 0 once every step stopped, after the log output drained', async () => {
    const order: string[] = [];
    const { onSignal, exited } = shutdown({
      stop: async () => void order.push('stopped'),
      drainLogs: async () => void order.push('logs drained'),
    });
    onSignal('SIGTERM');
    expect(await exited).toBe(0);
    expect(order).toEqual(['stopped', 'logs drained']);
  });

  it('tells the steps which signal asked (SIGTERM drains, SIGINT does not: src/main.ts)', async () => {
    const asked: NodeJS.Signals[] = [];
    const { onSignal, exited } = shutdown({ stop: async (signal) => void asked.push(signal) });
    onSignal('SIGINT');
    expect(await exited).toBe(0);
    expect(asked).toEqual(['SIGINT']);
  });

  it('exits 1 when a step fails', async () => {
    const { onSignal, exited, messages } = shutdown({
      stop: async () => Promise.reject(new Error('upstream close failed')),
    });
    onSignal('SIGINT');
    expect(await exited).toBe(1);
    expect(messages).toContain('Shutdown failed');
  });

  it('past the grace period, exits 128 + the signal number without waiting for the steps still running', async () => {
    const { onSignal, exited, messages } = shutdown({ graceMs: 50, stop: never });
    onSignal('SIGTERM');
    expect(await exited).toBe(143);
    expect(messages).toContain('Shutdown grace period over: exiting without waiting for the steps still running');
  });

  it('a log output that never drains does not hold the exit past the deadline, nor turn a clean stop into a forced one', async () => {
    let drainBudget = -1;
    const { onSignal, exited } = shutdown({
      graceMs: 50,
      drainLogs: async (timeoutMs) => {
        drainBudget = timeoutMs;
        await new Promise((resolve) => setTimeout(resolve, timeoutMs));
      },
    });
    onSignal('SIGTERM');
    expect(await exited).toBe(0);
    expect(drainBudget).toBeGreaterThanOrEqual(0);
    expect(drainBudget).toBeLessThanOrEqual(50);
  });

  it('the same signal again within the window is one signal; after it, or another signal, exits at once', async () => {
    let clock = 0;
    const { onSignal, exited, codes, messages } = shutdown({ stop: never, now: () => clock });
    onSignal('SIGTERM');
    clock = 100;
    onSignal('SIGTERM');
    expect(codes).toEqual([]);
    clock = 600;
    onSignal('SIGTERM');
    expect(await exited).toBe(143);
    expect(messages).toContain('Second signal during shutdown: exiting now');
  });

  it('a different second signal exits at once, whenever it comes', async () => {
    let clock = 0;
    const { onSignal, codes } = shutdown({ stop: never, now: () => clock });
    onSignal('SIGTERM');
    clock = 10;
    onSignal('SIGINT');
    expect(codes).toEqual([forcedExitCode('SIGINT')]);
    expect(forcedExitCode('SIGINT')).toBe(130);
  });
});
