import type { ApiKey } from '../auth/caller.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { UpstreamConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { UpstreamObserver } from './call-report.ts';
import { OpsManagerClient } from './client.ts';
import { DigestClient } from './digest.ts';
import { compose, type UpstreamFetch } from './pipeline.ts';
import { createMemoryPauses, type UpstreamPauses } from './pauses.ts';
import { ReadCoalescer } from './read-coalescing.ts';
import { type BreakerState, UpstreamBreaker } from './stages/breaker.ts';
import { deadline } from './stages/deadline.ts';
import { digestAuth } from './stages/digest.ts';
import { inFlightLimit } from './stages/in-flight-limit.ts';
import { respectPauses } from './stages/pause.ts';
import { retry, type RetryPolicy } from './stages/retry.ts';
import { type FetchLike, pooledTransport } from './stages/transport.ts';

/** What metrics and readiness read of an upstream, at the moment they ask. */
export interface UpstreamStatus {
  breaker: BreakerState;
  /** Attempts holding a slot of the in-flight cap, and attempts waiting for one. */
  inFlight: { active: number; pending: number };
  /** Reads that shared a GET already in flight instead of sending their own, since the start. */
  readsCoalesced: number;
}

export interface Upstream {
  /** The REST client speaking with the gateway's own key pair. */
  client: OpsManagerClient;
  /**
   * Passthrough mode: the client speaking with a caller's own API key. Each key (by its
   * fingerprint) has its own Digest session, so nonces never mix between callers and a wrong
   * key fails alone; the least recently used sessions beyond `maxSessions` are dropped. All of
   * them share the gateway's in-flight cap and breaker: one Ops Manager, one view of its health.
   */
  clientFor(apiKey: ApiKey): OpsManagerClient;
  /** The breaker's state and the cap's load, for metrics and readiness. */
  status(): UpstreamStatus;
  /**
   * Whether Ops Manager answers HTTP at all (any status, even 401): a cheap,
   * unauthenticated GET of the base URL, for the readiness check.
   */
  reachable(timeoutMs?: number): Promise<boolean>;
  /** Closes the keep-alive pool. */
  close(): Promise<void>;
}

export interface UpstreamOptions extends UpstreamConfig {
  logger: Logger;
  /** Timeout of one HTTP attempt in ms. */
  timeoutMs: number;
  /** Upstream requests in flight at once, for the whole process (and the pool's connections). */
  maxInFlight: number;
  /** Retries of failed calls (UPSTREAM_MAX_RETRIES), and optionally the backoff timings. */
  retry: Pick<RetryPolicy, 'maxRetries'> & Partial<RetryPolicy>;
  /** The circuit breaker (BREAKER_FAILURE_THRESHOLD, BREAKER_HALF_OPEN_AFTER_MS). */
  breaker: { failureThreshold: number; halfOpenAfterMs: number };
  /** @default systemClock */
  clock?: Clock | undefined;
  /** Told of every call and loader batch (metrics). */
  observer?: UpstreamObserver | undefined;
  /** Wraps the pooled HTTP transport under the Digest stage (tests count with it). */
  wrapTransport?: ((fetch: FetchLike) => FetchLike) | undefined;
  /** Passthrough mode: Digest sessions kept, one per caller key (PASSTHROUGH_MAX_SESSIONS). */
  maxSessions: number;
  /**
   * Concurrent identical reads (same project, same credentials) share one GET in flight
   * (read-coalescing.ts). Off, every read sends its own: the benchmark compares both. @default true
   */
  coalesceReads?: boolean | undefined;
  /** The in-flight cap's waiting line is fair across callers (UPSTREAM_FAIR_QUEUE); false: first come, first served. @default true */
  fairQueue?: boolean | undefined;
  /** Where Ops Manager's 429 pauses are kept (Redis: shared by replicas). @default in this process */
  pauses?: UpstreamPauses | undefined;
}

/**
 * The upstream: one keep-alive pool, one in-flight cap, one breaker, and the pipeline each call
 * goes through, composed once, outermost first:
 *
 *   retry → in-flight limit → 429 pause → breaker → deadline/timeout → Digest → transport
 *
 * Retry is outside the cap and the breaker, so a backoff wait holds no slot and the breaker counts
 * each attempt (cockatiel's advice, and what this gateway always did). Passthrough clients get the
 * same pipeline with their own Digest session (`pipelineFor`).
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const clock = options.clock ?? systemClock;
  const transport = pooledTransport({ connections: options.maxInFlight, wrap: options.wrapTransport });
  const limit = inFlightLimit(options.maxInFlight, { fair: options.fairQueue });
  const pauses = options.pauses ?? createMemoryPauses(clock);
  const onPause = options.observer?.pause?.bind(options.observer);
  const breaker = new UpstreamBreaker({ ...options.breaker, logger: options.logger });
  const coalescer = options.coalesceReads === false ? undefined : new ReadCoalescer();
  const retries = retry({ policy: options.retry, clock });
  const timeout = deadline({ timeoutMs: options.timeoutMs });

  const pipelineFor = (session: DigestClient, credentials: string): UpstreamFetch =>
    compose(
      [
        retries,
        limit.stage,
        respectPauses({ pauses, credentials, clock, onPause }),
        breaker.stage,
        timeout,
        digestAuth(session),
      ],
      transport.fetch,
    );
  const sessionFor = (username: string, password: string) =>
    new DigestClient({ credentials: { username, password }, logger: options.logger, clock });
  const clientFor = (send: UpstreamFetch, credentials: string, callerCredentials: boolean) =>
    new OpsManagerClient({
      baseUrl: options.baseUrl,
      send,
      logger: options.logger,
      observer: options.observer,
      clock,
      callerCredentials,
      reads: coalescer && { coalescer, credentials },
    });

  const client = clientFor(pipelineFor(sessionFor(options.publicKey, options.privateKey), 'gateway'), 'gateway', false);
  const sessions = new Map<string, OpsManagerClient>();
  const { maxSessions } = options;
  return {
    client,
    clientFor(apiKey) {
      let session = sessions.get(apiKey.fingerprint);
      if (session) {
        // Map keeps insertion order: re-inserting makes this the most recently used.
        sessions.delete(apiKey.fingerprint);
      } else {
        const send = pipelineFor(sessionFor(apiKey.publicKey, apiKey.privateKey), `caller:${apiKey.fingerprint}`);
        session = clientFor(send, `caller:${apiKey.fingerprint}`, true);
        if (sessions.size >= maxSessions) sessions.delete(sessions.keys().next().value!);
      }
      sessions.set(apiKey.fingerprint, session);
      return session;
    },
    status: () => ({ breaker: breaker.state, inFlight: limit.load(), readsCoalesced: coalescer?.joined ?? 0 }),
    async reachable(timeoutMs = 2_000) {
      try {
        const response = await transport.plain(options.baseUrl, { signal: AbortSignal.timeout(timeoutMs) });
        await response.arrayBuffer();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await transport.close();
      await pauses.close();
    },
  };
}
