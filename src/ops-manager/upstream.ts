import { Agent, fetch as undiciFetch } from 'undici';
import type { UpstreamConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type FetchLike, OpsManagerClient } from './client.ts';
import { DigestClient } from './digest.ts';

export interface Upstream {
  client: OpsManagerClient;
  digest: DigestClient;
  /** Closes the keep-alive pool. */
  close(): Promise<void>;
}

export interface UpstreamOptions extends UpstreamConfig {
  logger: Logger;
  timeoutMs: number;
  maxInFlight: number;
  /** Wraps the pooled HTTP transport under the Digest client (tests count with it). */
  wrapTransport?: (fetch: FetchLike) => FetchLike;
}

/**
 * Wires the real stack: a keep-alive connection pool (undici Agent, as many connections
 * as the in-flight cap allows), the Digest session on top of it, and the REST client
 * on top of that.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const agent = new Agent({ connections: options.maxInFlight, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  const pooledFetch = ((input, init) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as FetchLike;
  const digest = new DigestClient({
    credentials: { username: options.publicKey, password: options.privateKey },
    fetch: options.wrapTransport ? options.wrapTransport(pooledFetch) : pooledFetch,
    logger: options.logger,
  });
  const client = new OpsManagerClient({
    baseUrl: options.baseUrl,
    fetch: (input, init) => digest.fetch(input, init),
    logger: options.logger,
    timeoutMs: options.timeoutMs,
    maxInFlight: options.maxInFlight,
  });
  return { client, digest, close: () => agent.close() };
}
