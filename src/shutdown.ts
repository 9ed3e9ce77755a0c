import { constants } from 'node:os';
import type { Logger } from './logger.ts';

export interface ShutdownOptions {
  /** The whole shutdown's budget (drain + grace), from the first signal: past it, whatever still runs is abandoned. */
  graceMs: number;
  /** Stops the service (drain, stop accepting, finish in-flight operations, close everything); told which signal asked. */
  stop: (signal: NodeJS.Signals) => Promise<void>;
  logger: Logger;
  /** Waits (at most `timeoutMs`) for the log output to take the lines already written. */
  drainLogs: (timeoutMs: number) => Promise<void>;
  /** @default process.exit */
  exit?: (code: number) => void;
  /** @default Date.now */
  now?: () => number;
  /**
   * The same signal again within this window is one signal delivered twice, not a second one:
   * under `npm start` the kernel (to the process group), npm and tsx may each deliver it.
   * @default 500
   */
  duplicateWindowMs?: number;
}

/** The exit code when shutdown had to be forced: 128 + the signal's number, as if it had killed the process (143 for SIGTERM, 130 for SIGINT). */
export function forcedExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/**
 * Returns the handler for SIGTERM/SIGINT. The first signal starts a graceful shutdown bounded
 * as a whole by `graceMs`:
 * - everything stopped in time: exit 0;
 * - a step failed: exit 1;
 * - `graceMs` passed first: the steps still running are abandoned, exit `forcedExitCode(signal)`;
 * - a second signal: exit `forcedExitCode(second signal)` at once.
 * Nothing here waits on the log output past the deadline: a log reader that went away or
 * stalled never holds the process (see src/log-destination.ts).
 */
export function shutdownOnSignal(options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  const { graceMs, stop, logger, drainLogs } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? Date.now;
  const duplicateWindowMs = options.duplicateWindowMs ?? 500;
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  let deadline: NodeJS.Timeout | undefined;

  return (signal) => {
    if (first) {
      if (signal === first.signal && now() - first.at < duplicateWindowMs) return;
      logger.warn({ signal }, 'Second signal during shutdown: exiting now');
      clearTimeout(deadline);
      exit(forcedExitCode(signal));
      return;
    }
    const started = (first = { signal, at: now() });
    logger.info({ signal, graceMs }, 'Shutting down: finishing in-flight operations');
    deadline = setTimeout(() => {
      logger.error({ graceMs }, 'Shutdown grace period over: exiting without waiting for the steps still running');
      exit(forcedExitCode(started.signal));
    }, graceMs);
    const finish = async (code: number) => {
      clearTimeout(deadline);
      await drainLogs(Math.max(0, started.at + graceMs - now()));
      exit(code);
    };
    stop(signal).then(
      () => {
        logger.info('Stopped');
        return finish(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        return finish(1);
      },
    );
  };
}
