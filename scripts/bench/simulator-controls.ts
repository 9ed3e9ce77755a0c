/** The simulator's /__simulator/ controls, over HTTP (it runs in its own process). */
import type { CounterSnapshot, SeedOption } from '../../src/simulator/index.ts';

export type Counters = Pick<
  CounterSnapshot,
  'requests' | 'challenges' | 'staleChallenges' | 'authenticated' | 'applied'
>;

async function control(origin: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${origin}/__simulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`simulator control ${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

export async function readCounters(origin: string): Promise<Counters> {
  const snapshot = (await (await control(origin, 'GET', 'counters')).json()) as CounterSnapshot;
  const { requests, challenges, staleChallenges, authenticated, applied } = snapshot;
  return { requests, challenges, staleChallenges, authenticated, applied };
}

export function countersSince(before: Counters, after: Counters): Counters {
  return {
    requests: after.requests - before.requests,
    challenges: after.challenges - before.challenges,
    staleChallenges: after.staleChallenges - before.staleChallenges,
    authenticated: after.authenticated - before.authenticated,
    applied: after.applied - before.applied,
  };
}

export async function setLatency(origin: string, ms: number): Promise<void> {
  await control(origin, 'POST', 'latency', { ms });
}

/** Replaces the simulator's data (nonces and counters are kept). */
export async function reseed(origin: string, seed: SeedOption): Promise<void> {
  await control(origin, 'POST', 'reset', { seed });
}

/**
 * Waits until the simulator has seen no request for `quietMs`: operations a load generator
 * abandoned when its time was up (the gateway still finishes them) must not count in the next run.
 */
export async function waitForQuiet(origin: string, quietMs = 300, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = (await readCounters(origin)).requests;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = (await readCounters(origin)).requests;
    if (now === last) return;
    last = now;
  }
}
