import type { Caller } from './auth/caller.ts';
import type { ChangeJournal } from './changes/attempts.ts';
import type { Logger } from './logger.ts';
import type { OpsManagerClient } from './ops-manager/client.ts';
import type { Loaders } from './ops-manager/loaders.ts';

/** What every resolver of one GraphQL operation sees. */
export interface GatewayContext {
  client: OpsManagerClient;
  /** New for every operation: caching never crosses operations or callers. */
  loaders: Loaders;
  /** The injected clock (tests pin it); decides whether an invitation has expired. */
  now: () => Date;
  logger: Logger;
  /** Aborted when the caller goes away or the operation deadline passes; passed to every upstream call. */
  signal: AbortSignal | undefined;
  /** When the operation must have answered (ms since epoch). */
  deadlineAt: number | undefined;
  /** From the caller's `x-request-id`, or generated; in every log line of the operation. */
  requestId: string;
  /** Who is calling and what they may do (scope-auth checks it on the fields). */
  caller: Caller;
  /** The operation's change attempts: audited one by one, and read by the idempotency plugin. */
  changes: ChangeJournal;
}
