import { createHash } from 'node:crypto';
import type { Caller } from '../auth/caller.ts';

/**
 * The `Idempotency-Key` request header (IETF httpapi draft "The Idempotency-Key HTTP Header
 * Field"): a Structured Field string, `Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`.
 * The bare form (no quotes) is accepted too, as most clients send it. Printable ASCII, 1 to 255
 * characters; anything else is refused rather than guessed at.
 */
const QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e]{1,255})"$/;
const BARE = /^([\x21\x23-\x2b\x2d-\x7e]{1,255})$/;

export type KeyHeader = { kind: 'absent' } | { kind: 'invalid' } | { kind: 'key'; key: string };

export function parseIdempotencyKey(header: string | null): KeyHeader {
  if (header === null) return { kind: 'absent' };
  const value = header.trim();
  const match = QUOTED.exec(value) ?? BARE.exec(value);
  return match ? { kind: 'key', key: match[1]! } : { kind: 'invalid' };
}

/**
 * Whose key it is. Keys are scoped per caller, never shared: the token's subject in jwt mode,
 * the hash of the caller's own API key in passthrough mode, and one shared scope when the
 * gateway has no callers to tell apart (AUTH_MODE=none).
 */
export function callerScope(caller: Caller): string {
  if (caller.apiKey) return `key:${caller.apiKey.fingerprint}`;
  if (caller.mode === 'jwt') return `sub:${caller.subject ?? ''}`;
  return 'anonymous';
}

/** The request a key was first used for: the same key with another fingerprint is a misuse. */
export function requestFingerprint(request: {
  query: string | undefined;
  operationName: string | undefined;
  variables: unknown;
}): string {
  return createHash('sha256')
    .update(request.query ?? '')
    .update('\0')
    .update(request.operationName ?? '')
    .update('\0')
    .update(stableJson(request.variables ?? {}))
    .digest('base64url');
}

/** The store's key: the scope and the caller's key, hashed, so neither a subject nor a key is stored in clear. */
export function storeKey(scope: string, key: string): string {
  return createHash('sha256').update(scope).update('\0').update(key).digest('base64url');
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${stableJson((value as Record<string, unknown>)[name])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
