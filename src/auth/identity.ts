import { createHash } from 'node:crypto';
import type { Caller } from './caller.ts';

/** Which kind of caller an identity is: a metric label with three values. */
export type IdentityClass = 'jwt' | 'passthrough' | 'anonymous';

/** Who a caller is for fair share: the rate limiter's budget and the in-flight cap's turn. */
export interface CallerIdentity {
  /** Stable, and safe to put in Redis keys and logs: a hash, never a token subject or an API key as such. */
  key: string;
  class: IdentityClass;
}

const ANONYMOUS: CallerIdentity = { key: 'anonymous', class: 'anonymous' };

/**
 * A JWT caller is one object for as long as its token's verification is reused (callerOf), so its
 * hash is taken once per token, not once or twice per request.
 */
const jwtIdentities = new WeakMap<Caller, CallerIdentity>();

/**
 * A caller's identity: the JWT `sub` (a token without one shares one identity with every other
 * such token), the passthrough API key, or the one anonymous identity of `AUTH_MODE=none`. Subjects
 * and key fingerprints are hashed again, so that a Redis key or a log line names nobody and
 * carries nothing derived from a secret that could be tested against a guess cheaply.
 */
export function callerIdentity(caller: Caller): CallerIdentity {
  if (caller.mode === 'passthrough' && caller.apiKey)
    return { key: `key:${digest(caller.apiKey.fingerprint)}`, class: 'passthrough' };
  if (caller.mode === 'jwt') {
    let identity = jwtIdentities.get(caller);
    if (identity === undefined) {
      identity = { key: `sub:${digest(caller.subject ?? '')}`, class: 'jwt' };
      jwtIdentities.set(caller, identity);
    }
    return identity;
  }
  return ANONYMOUS;
}

function digest(value: string): string {
  return createHash('sha256').update('ops-manager-gateway:identity\0').update(value).digest('base64url').slice(0, 22);
}
