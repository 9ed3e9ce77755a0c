import type { JwtConfig } from '../config.ts';
import { anonymousCaller, type AuthMode, type Caller, callerFromBasicAuth, callerFromClaims } from './caller.ts';

export interface AuthOptions {
  mode: AuthMode;
  jwt?: JwtConfig | undefined;
}

/**
 * The caller made from each verified JWT payload. A token reused from the verified-token cache
 * brings the same (frozen) payload object, so its caller is made once, not on every request.
 */
const callersByPayload = new WeakMap<object, { jwt: JwtConfig; caller: Caller }>();

/** The caller of an operation, from what the auth plugins left in the context. */
export function callerOf(options: AuthOptions, context: { request: Request; jwt?: { payload?: unknown } }): Caller {
  if (options.mode === 'passthrough') return callerFromBasicAuth(context.request.headers.get('authorization'));
  if (options.mode === 'jwt' && options.jwt) {
    const payload = (context.jwt?.payload ?? {}) as Record<string, unknown>;
    const known = callersByPayload.get(payload);
    if (known?.jwt === options.jwt) return known.caller;
    const { readScope, writeScope, projectsClaim } = options.jwt;
    const caller = Object.freeze(callerFromClaims(payload, { readScope, writeScope, projectsClaim }));
    callersByPayload.set(payload, { jwt: options.jwt, caller });
    return caller;
  }
  return anonymousCaller;
}
