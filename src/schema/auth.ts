import { type AuthFailure, AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import type { Caller } from '../auth/caller.ts';
import { ForbiddenError } from '../errors/index.ts';

/** The scopes a failed check asked for and the caller lacked. */
function missingScopes(failure: AuthFailure): string[] {
  if (failure.kind === AuthScopeFailureType.AuthScope) return [failure.scope];
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    return failure.failures.flatMap(missingScopes);
  }
  return [];
}

/**
 * The FORBIDDEN error of a field the caller may not resolve. It says what was missing
 * (the read or write scope, or this project) and nothing else: no scope list of the
 * caller, no project list.
 */
export function forbiddenFor(failure: AuthFailure, caller: Caller): ForbiddenError {
  const missing = new Set(missingScopes(failure));
  if (missing.has('write'))
    return new ForbiddenError('Your credentials do not allow changing invitations (write scope missing).');
  if (missing.has('read'))
    return new ForbiddenError('Your credentials do not allow reading invitations (read scope missing).');
  if (missing.has('project')) return new ForbiddenError('Your credentials do not grant access to this project.');
  return new ForbiddenError(caller.mode === 'none' ? 'Not allowed.' : 'Your credentials do not allow this.');
}
