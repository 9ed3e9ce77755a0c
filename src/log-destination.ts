import type { Writable } from 'node:stream';

/**
 * Where the gateway's logs go: a stream (standard output in production) that is never allowed
 * to hold the process up or bring it down.
 *
 * Why not pino's default destination (an asynchronous SonicBoom on fd 1)? pino registers an
 * exit hook on it that flushes synchronously, and sonic-boom 4's `flushSync` retries a failed
 * write forever unless the error is EAGAIN (it sleeps 100 ms with Atomics.wait and writes again).
 * When the reader of a piped stdout had gone away, a line still buffered at `process.exit()` met
 * EPIPE there, and the process spun in its exit hook for good (issue 16). `process.stdout` has no
 * such hook: on a pipe or socket it writes asynchronously (POSIX), and what is still queued at
 * exit is dropped, which is bounded.
 */
export interface LogDestination {
  write(line: string): void;
  /**
   * Resolves once every line written so far has been handed to the OS, or the output failed,
   * or `timeoutMs` passed, whichever comes first. Never rejects.
   */
  drain(timeoutMs: number): Promise<void>;
  /** Set once the output failed (EPIPE, a closed descriptor, a full disk): later lines are dropped. */
  readonly failed: boolean;
}

/**
 * Wraps `stream` so that a failing output never throws into a caller and never surfaces as an
 * unhandled 'error' event: the first failure is reported to `onFailure`, and later lines are dropped.
 */
export function streamDestination(stream: Writable, onFailure: (error: Error) => void = () => {}): LogDestination {
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    onFailure(error);
  };
  stream.on('error', fail);
  const open = () => !failed && !stream.destroyed && stream.writable;
  return {
    get failed() {
      return failed;
    },
    write(line) {
      if (!open()) return;
      try {
        stream.write(line);
      } catch (error) {
        // A synchronous destination (a file) may throw from write() itself.
        fail(error as Error);
      }
    },
    drain(timeoutMs) {
      if (!open() || stream.writableLength === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        // An empty write's callback runs once everything queued before it was written (or failed).
        stream.write('', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

let stdout: LogDestination | undefined;

/**
 * Standard output as a log destination, one per process (it owns stdout's 'error' listener).
 * A failure is told once on stderr, best effort: stderr often goes where stdout went, so a
 * failing stderr is ignored too (Node's own warnings go there).
 */
export function stdoutDestination(): LogDestination {
  if (!stdout) {
    process.stderr.on('error', () => {});
    stdout = streamDestination(process.stdout, (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? error.message;
      process.stderr.write(`Log output on stdout failed (${code}): log lines are dropped from now on\n`);
    });
  }
  return stdout;
}
