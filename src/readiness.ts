import { type Clock, systemClock } from './clock.ts';
import type { Upstream } from './ops-manager/upstream.ts';

/**
 * Ready means: the circuit to Ops Manager is not open, and Ops Manager responds to HTTP.
 * The reachability probe is cached for `cacheMs`, so a load balancer polling every
 * second costs Ops Manager one request per interval, not one per poll.
 */
export function createReadinessCheck(
  upstream: Pick<Upstream, 'status' | 'reachable'>,
  options: { cacheMs?: number; clock?: Pick<Clock, 'now'> } = {},
): () => Promise<boolean> {
  const cacheMs = options.cacheMs ?? 5_000;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  let last: { at: number; reachable: Promise<boolean> } | undefined;
  return async () => {
    if (upstream.status().breaker === 'open') return false;
    if (!last || now() - last.at >= cacheMs) last = { at: now(), reachable: upstream.reachable() };
    return last.reachable;
  };
}
