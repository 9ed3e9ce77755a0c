import { LRUCache } from 'lru-cache';
import type { ApiKey } from '../auth/caller.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { UpstreamConfig } from '../config.ts';
import { reportUpstreamCalls } from '../observability/upstream-calls.ts';
import { OpsManagerClient, type UpstreamObserver } from './client.ts';
import { SharedReads } from './deduplication.ts';
import { DigestClient } from './digest.ts';
import { createMemoryPauses, type UpstreamPauses } from './pauses.ts';
import { type BreakerState, createResilience, type ResilienceOptions } from './resilience.ts';
import { pooledTransport, type Send } from './transport.ts';

/** What metrics and readiness read of an upstream, at the moment they ask. */
export interface UpstreamStatus {
  breaker: BreakerState;
  /** Attempts holding a slot of the in-flight cap, and attempts waiting for one. */
  inFlight: { active: number; pending: number };
  /** Reads that shared a GET already in flight instead of sending their own, since the start. */
  readsCoalesced: number;
}

export interface Upstream {
  /** The client speaking with the gateway's own key pair. */
  client: OpsManagerClient;
  /**
   * Passthrough mode: the client speaking with a caller's own API key, with a Digest session of its own (nonces never
   * mix, a wrong key fails alone), the least recently used beyond `maxSessions` dropped. All share the cap and breaker.
   */
  clientFor(apiKey: ApiKey): OpsManagerClient;
  status(): UpstreamStatus;
  /** Whether Ops Manager answers HTTP at all (any status, even 401): an unauthenticated GET of the base URL, for readiness. */
  reachable(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface UpstreamOptions
  extends UpstreamConfig,
    Pick<ResilienceOptions, 'logger' | 'timeoutMs' | 'maxInFlight' | 'retry' | 'breaker' | 'fairQueue'> {
  clock?: Clock | undefined;
  observer?: UpstreamObserver | undefined;
  /** Wraps the pooled HTTP transport under the Digest step (tests count with it). */
  wrapTransport?: ((send: Send) => Send) | undefined;
  /** PASSTHROUGH_MAX_SESSIONS */
  maxSessions: number;
  /** Identical reads in flight share one GET (deduplication.ts); off, every read sends its own. @default true */
  coalesceReads?: boolean | undefined;
  /** Where Ops Manager's 429 pauses are kept (Redis: shared by replicas). @default in this process */
  pauses?: UpstreamPauses | undefined;
}

/**
 * The upstream, composed once: one keep-alive pool (transport.ts), one resilience step (retry, in-flight cap, 429
 * pause, breaker, attempt timeout: resilience.ts), one sharing of reads in flight (deduplication.ts); and per key pair,
 * a Digest session (digest.ts) and a client (client.ts) bound to them.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const clock = options.clock ?? systemClock;
  const transport = pooledTransport({ connections: options.maxInFlight, wrap: options.wrapTransport });
  const pauses = options.pauses ?? createMemoryPauses(clock);
  const observer = reportUpstreamCalls(options.logger, new URL(options.baseUrl).host, options.observer);
  const onPause = observer.pause;
  const resilience = createResilience({ ...options, transport: transport.send, clock, pauses, onPause });
  const sharedReads = options.coalesceReads === false ? undefined : new SharedReads();

  const clientOf = (username: string, password: string, credentials: string): OpsManagerClient => {
    const digest = new DigestClient({ credentials: { username, password }, logger: options.logger });
    return new OpsManagerClient({
      baseUrl: options.baseUrl,
      send: (request, context) => resilience.call(request, context, digest, credentials),
      logger: options.logger,
      observer,
      clock,
      callerCredentials: credentials !== 'gateway',
      credentials,
      sharedReads,
    });
  };
  const sessions = new LRUCache<string, OpsManagerClient, ApiKey>({
    max: options.maxSessions,
    memoMethod: (fingerprint, _, { context: key }) => clientOf(key.publicKey, key.privateKey, `caller:${fingerprint}`),
  });
  return {
    client: clientOf(options.publicKey, options.privateKey, 'gateway'),
    clientFor: (apiKey) => sessions.memo(apiKey.fingerprint, { context: apiKey }),
    status: () => ({ ...resilience.status(), readsCoalesced: sharedReads?.joined ?? 0 }),
    reachable(timeoutMs = 2_000) {
      const controller = new AbortController();
      const cancel = clock.after(timeoutMs, () => controller.abort());
      const probe = transport.plain({ url: options.baseUrl, method: 'GET', headers: {}, signal: controller.signal });
      return probe
        .then(
          () => true,
          () => false,
        )
        .finally(cancel);
    },
    async close() {
      await transport.close();
      await pauses.close();
    },
  };
}
