import { afterAll, expect } from 'vitest';
import { DEMO_API_KEY } from '../src/simulator/demo-data.ts';

/**
 * Every log line any test's stack writes (at debug level unless a test asks otherwise) is
 * kept here, with every secret the tests use; after each test file, no line may contain
 * one. So the whole suite's traffic (reads, mutations, failures, retries, every auth mode)
 * is checked for leaks, not only the tests written about secrets.
 */
const lines: string[] = [];
const secrets = new Set<string>([DEMO_API_KEY.privateKey]);

export function recordLogLine(line: string): void {
  lines.push(line);
}

/** A private key, token or password a test sends; it must never be logged. */
export function registerSecret(secret: string): void {
  if (secret.length >= 8) secrets.add(secret);
}

afterAll(() => {
  for (const secret of secrets) {
    const leaks = lines.filter((line) => line.includes(secret));
    expect(leaks, `a log line contains a secret (${secret.slice(0, 3)}…)`).toEqual([]);
  }
  lines.length = 0;
});
