import type { JwtConfig } from '../config.ts';
import { anonymousCaller, type AuthMode, type Caller, callerFromBasicAuth, callerFromClaims } from './caller.ts';

export interface AuthOptions {
  mode: AuthMode;
  jwt?: JwtConfig | undefined;
}

/** The caller of an operation, from what the auth plugins left in the context. */
export function callerOf(options: AuthOptions, context: { request: Request; jwt?: { payload?: unknown } }): Caller {
  if (options.mode === 'passthrough') return callerFromBasicAuth(context.request.headers.get('authorization'));
  if (options.mode === 'jwt' && options.jwt) {
    const { readScope, writeScope, projectsClaim } = options.jwt;
    return callerFromClaims((context.jwt?.payload ?? {}) as Record<string, unknown>, {
      readScope,
      writeScope,
      projectsClaim,
    });
  }
  return anonymousCaller;
}
