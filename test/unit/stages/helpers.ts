import type { Clock } from '../../../src/clock.ts';
import {
  type CallRecord,
  newCallRecord,
  type UpstreamFetch,
  type UpstreamInit,
} from '../../../src/ops-manager/pipeline.ts';

export const GET: UpstreamInit = { method: 'GET', headers: { Accept: 'application/json' } };
export const POST: UpstreamInit = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' };
export const URL_ = 'http://om.test/api/public/v1.0/groups/5e2211c17a3e5a48f5497de3/invites';

export function record(options: Parameters<typeof newCallRecord>[2] = {}, method = 'GET'): CallRecord {
  return newCallRecord(method, '/groups/{GROUP-ID}/invites', options);
}

/** A next stage that plays back `outcomes` in order (a Response, or an error to throw) and records each call. */
export function scripted(
  ...outcomes: Array<Response | Error | (() => Promise<Response>)>
): UpstreamFetch & { calls: Array<{ url: string; init: UpstreamInit }> } {
  const calls: Array<{ url: string; init: UpstreamInit }> = [];
  const next = (async (url: string, init: UpstreamInit) => {
    calls.push({ url, init });
    const outcome = outcomes[Math.min(calls.length, outcomes.length) - 1]!;
    if (outcome instanceof Error) throw outcome;
    if (typeof outcome === 'function') return outcome();
    return outcome.clone();
  }) as unknown as UpstreamFetch & { calls: typeof calls };
  next.calls = calls;
  return next;
}

/** A clock whose sleeps end at once and are written down; now() is fixed unless moved. */
export function fakeClock(now = 1_000_000): Clock & { sleeps: number[]; at: number } {
  const clock = {
    at: now,
    sleeps: [] as number[],
    now: () => clock.at,
    random: () => 0.5,
    after: () => () => {},
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      clock.sleeps.push(ms);
      clock.at += ms;
    },
  };
  return clock;
}

export const status = (code: number, headers: Record<string, string> = {}) =>
  new Response(code === 204 ? null : `{"status":${code}}`, { status: code, headers });
