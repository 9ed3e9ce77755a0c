import type { Caller } from './auth/caller.ts';
import type { ChangeJournal } from './changes/attempts.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { UpstreamSession } from './ops-manager/session.ts';

/** What every resolver of one GraphQL operation sees. */
export interface GatewayContext {
  /**
   * Ops Manager for this operation: the caller's credentials, the operation's signal, deadline
   * and request id, and its loader. New for every operation: caching never crosses operations
   * or callers.
   */
  upstream: UpstreamSession;
  /** The injected clock (tests pin it); decides whether an invitation has expired. */
  clock: Clock;
  logger: Logger;
  /** From the caller's `x-request-id`, or generated; in every log line of the operation. */
  requestId: string;
  /** Who is calling and what they may do (scope-auth checks it on the fields). */
  caller: Caller;
  /** Limits from the configuration that resolvers check: ids per `projects(ids:)` (MAX_PROJECTS_PER_OPERATION). */
  limits: { projectIds: number };
  /** The operation's mutation attempts: audited one by one, and read by the idempotency plugin. */
  changes: ChangeJournal;
}
