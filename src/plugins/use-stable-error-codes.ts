import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codeForStatus, RequestErrorCode } from '../errors/index.ts';

/** The HTTP extension Yoga puts on an error: its status, and `spec` when that status is for graphql-response+json only. */
interface HttpExtension {
  status?: number;
  spec?: boolean;
  headers?: Record<string, string>;
}

/**
 * Yoga's mark for a request that is not a well-formed GraphQL-over-HTTP request: unreadable
 * JSON (an empty body too), params that are not an object, no `query`. Yoga flags their 400
 * `spec` (for graphql-response+json only) and, for unreadable JSON, keeps 400 under plain
 * application/json by looking for `extensions.originalError`; the spec says 400 for all of them
 * whatever the Accept ("a request that does not constitute a well-formed GraphQL-over-HTTP request
 * SHOULD result in 400"). Parse and validation failures keep `spec`: 200 under application/json.
 */
function isMalformedRequest(extensions: Record<string, unknown>): boolean {
  const http = extensions.http as HttpExtension | undefined;
  return extensions.code === RequestErrorCode.BAD_REQUEST && http?.spec === true && http.status === 400;
}

/**
 * Every error in a response carries a stable `extensions.code`, so a client can always switch
 * on it. Our own errors and Yoga's parse/validation errors have one; this fills in the rest
 * (a plugin's 401 or CSRF 403, a request Yoga cannot read) from the HTTP status they carry,
 * drops the parser internals Yoga attaches to unreadable bodies (`originalError`: the JSON
 * parser's own message), and says the 400 of a malformed request outright, so that it holds
 * under plain `Accept: application/json` too (Yoga inferred it from those internals).
 */
export function useStableErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      const results = Array.isArray(result) ? result : [result];
      let changed = false;
      const fixed = results.map((one) => {
        const errors = (one as { errors?: readonly GraphQLError[] }).errors;
        if (!errors?.some((error) => needsFixing(error.extensions ?? {}))) return one;
        changed = true;
        return {
          ...one,
          errors: errors.map((error) => {
            const original = (error.extensions ?? {}) as Record<string, unknown>;
            if (!needsFixing(original)) return error;
            // Yoga puts a parser's own message in `originalError` for unreadable bodies: internals.
            const { originalError: _internal, ...extensions } = original;
            let http = extensions.http as HttpExtension | undefined;
            if (isMalformedRequest(original)) http = { ...http, spec: false };
            return new GraphQLError(error.message, {
              nodes: error.nodes,
              path: error.path,
              originalError: error.originalError,
              extensions: {
                ...extensions,
                ...(http && { http }),
                code: extensions.code ?? codeForStatus(http?.status),
              },
            });
          }),
        };
      });
      if (changed) setResult((Array.isArray(result) ? fixed : fixed[0]) as never);
    },
  };
}

function needsFixing(extensions: Record<string, unknown>): boolean {
  return !extensions.code || 'originalError' in extensions || isMalformedRequest(extensions);
}
