import type { DigestClient } from '../digest.ts';
import type { Stage } from '../pipeline.ts';

/**
 * Digest authentication: the next stage (the transport) carries each HTTP request of the call,
 * challenge and signed retry included, and every challenge is written into the call's record.
 * The gateway's pipeline has one session; passthrough gives each caller's key its own.
 */
export function digestAuth(session: DigestClient): Stage {
  return (next) => (url, init, call) =>
    session.fetch(url, init as RequestInit, {
      send: (input, sent) => next(String(input), sent as never, call),
      cost: call,
    });
}
