import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** What the JWT plugin leaves in the server context once a token verified: `context.jwt`. */
export interface VerifiedToken {
  payload: { exp?: unknown; nbf?: unknown; [claim: string]: unknown };
  token: { value: string; prefix: string | undefined };
}

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered; the least recently used is verified again. @default 1000 */
  max?: number;
  /**
   * How long a verification is reused at most, whatever the token's expiry: well within the 10
   * minutes the JWKS client keeps a signing key, so a key that left the issuer's key set is
   * honoured no longer than without the cache. @default 60000
   */
  maxAgeMs?: number;
  /** Milliseconds since the epoch; the time jsonwebtoken checks `exp` and `nbf` with. @default Date.now */
  now?: () => number;
}

/**
 * Reuses the verification of a bearer token for the next requests that send exactly the same
 * `Authorization` header, so a caller's signature is checked once, not on every request (HMAC or
 * RSA, decoding, the claims). It runs just before @graphql-yoga/plugin-jwt and leaves the same
 * `jwt` in the server context, which that plugin takes as already verified.
 *
 * Why this is as safe as verifying every time: only a token the JWT plugin verified in full
 * (signature, algorithm, issuer, audience, expiry) is remembered, keyed by the whole header, so
 * any other byte misses and is verified; the token's `exp` and `nbf` are checked again on every
 * request as jsonwebtoken checks them (a token is refused from its `exp` second on); an entry
 * lives at most `maxAgeMs`, shorter than the JWKS client keeps a key; and the claims are the
 * verified ones, frozen, so every request sees what the issuer signed. A refused token is never
 * remembered.
 */
export function useVerifiedTokenCache(options: VerifiedTokenCacheOptions = {}): Plugin<{ jwt?: VerifiedToken }> {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const verified = new LRUCache<string, VerifiedToken>({ max: options.max ?? 1000, ttl: maxAgeMs });
  return {
    onRequestParse({ request, serverContext }) {
      const header = request.headers.get('authorization');
      if (header === null) return;
      const known = verified.get(header);
      if (known !== undefined) {
        if (stillValid(known.payload, now())) {
          (serverContext as { jwt?: VerifiedToken }).jwt = known;
          return;
        }
        verified.delete(header);
      }
      // Not known: the JWT plugin verifies it next; remember it once it has.
      return {
        onRequestParseDone() {
          const result = (serverContext as { jwt?: VerifiedToken }).jwt;
          if (result?.payload === undefined) return;
          const expiresInMs = typeof result.payload.exp === 'number' ? result.payload.exp * 1000 - now() : maxAgeMs;
          if (expiresInMs <= 0) return;
          Object.freeze(result.payload);
          verified.set(header, Object.freeze({ payload: result.payload, token: result.token }), {
            ttl: Math.min(maxAgeMs, expiresInMs),
          });
        },
      };
    },
  };
}

/** jsonwebtoken's checks, to the second: expired from `exp` on, not valid before `nbf`. */
function stillValid(payload: VerifiedToken['payload'], nowMs: number): boolean {
  const seconds = Math.floor(nowMs / 1000);
  if (typeof payload.exp === 'number' && seconds >= payload.exp) return false;
  if (typeof payload.nbf === 'number' && seconds < payload.nbf) return false;
  return true;
}
