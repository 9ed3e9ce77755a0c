import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamDestination } from '../../src/log-destination.ts';
import { createLogger } from '../../src/logger.ts';

/** A stream whose every write fails the way a pipe without a reader does. */
function brokenPipe(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
  });
}

/** A stream that takes writes and never finishes them: a reader that stopped reading. */
function stalled(): { stream: Writable; received: string[] } {
  const received: string[] = [];
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk, _encoding, _callback) {
      received.push(String(chunk));
    },
  });
  return { stream, received };
}

describe('the log destination', () => {
  it('a failing output is reported once and then left alone: no throw, no unhandled error event', async () => {
    const failures: string[] = [];
    const destination = streamDestination(brokenPipe(), (error) =>
      failures.push((error as NodeJS.ErrnoException).code ?? ''),
    );
    const logger = createLogger({ destination });
    logger.info('first');
    await new Promise((resolve) => setImmediate(resolve));
    for (let line = 0; line < 100; line += 1) logger.info({ line }, 'after the failure');
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual(['EPIPE']);
    expect(destination.failed).toBe(true);
    await expect(destination.drain(10_000)).resolves.toBeUndefined();
  });

  it('a write that throws (a synchronous destination) is a failure, not an exception in the caller', () => {
    const failures: Error[] = [];
    const throwing = new Writable({ write() {} });
    throwing.write = () => {
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    };
    const destination = streamDestination(throwing, (error) => failures.push(error));
    expect(() => destination.write('{"msg":"x"}\n')).not.toThrow();
    expect(failures).toHaveLength(1);
    expect(destination.failed).toBe(true);
  });

  it('drain gives up on an output that stopped reading once its time is over', async () => {
    const { stream, received } = stalled();
    const destination = streamDestination(stream);
    destination.write('one\n');
    destination.write('two\n');
    await destination.drain(100);
    // It resolved although the output never took the second line.
    expect(received).toEqual(['one\n']);
    expect(stream.writableLength).toBeGreaterThan(0);
  });

  it('drain resolves once the output has taken every line', async () => {
    const received: string[] = [];
    const slow = new Writable({
      write(chunk, _encoding, callback) {
        received.push(String(chunk));
        setTimeout(callback, 5);
      },
    });
    const destination = streamDestination(slow);
    for (const line of ['a\n', 'b\n', 'c\n']) destination.write(line);
    await destination.drain(60_000);
    expect(received.filter((line) => line !== '')).toEqual(['a\n', 'b\n', 'c\n']);
  });
});
