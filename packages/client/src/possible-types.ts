/**
 * Apollo Client's `possibleTypes` for this schema: without it, a selection such as
 * `... on Error { code message }` on a union member is silently dropped from the cache's
 * answer (only `__typename` arrives).
 *
 *   new InMemoryCache({ possibleTypes })
 */
import introspection from './generated/possible-types.js';

export const possibleTypes = introspection.possibleTypes;
export type { PossibleTypesResultData } from './generated/possible-types.js';
