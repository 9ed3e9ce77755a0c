import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RequestErrorCode } from '../errors.ts';

/** The code of an error that came without one, from the HTTP status it carries. */
export function codeForStatus(status: number | undefined): RequestErrorCode {
  switch (status) {
    case 401:
      return RequestErrorCode.UNAUTHENTICATED;
    case 403:
      return RequestErrorCode.FORBIDDEN;
    case 404:
      return RequestErrorCode.NOT_FOUND;
    case 405:
      return RequestErrorCode.METHOD_NOT_ALLOWED;
    case 406:
      return RequestErrorCode.NOT_ACCEPTABLE;
    case 413:
      return RequestErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return RequestErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case undefined:
    case 200:
    case 500:
      return RequestErrorCode.INTERNAL_SERVER_ERROR;
    default:
      return status >= 500 ? RequestErrorCode.INTERNAL_SERVER_ERROR : RequestErrorCode.BAD_REQUEST;
  }
}

/**
 * Every error in an answer carries a stable `extensions.code`, so a client can always switch
 * on it. Our own errors and Yoga's parse/validation errors have one; this fills in the rest
 * (a plugin's 401 or CSRF 403, a request Yoga cannot read) from the HTTP status they carry,
 * and drops the parser internals Yoga attaches to unreadable bodies.
 */
export function useStableErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      const results = Array.isArray(result) ? result : [result];
      let changed = false;
      const fixed = results.map((one) => {
        const errors = (one as { errors?: readonly GraphQLError[] }).errors;
        if (!errors?.some((error) => !error.extensions?.code || 'originalError' in (error.extensions ?? {}))) return one;
        changed = true;
        return {
          ...one,
          errors: errors.map((error) => {
            // Yoga puts a parser's own message in `originalError` for unreadable bodies: internals.
            const { originalError: _internal, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
            if (error.extensions?.code && !_internal) return error;
            const status = (extensions.http as { status?: number } | undefined)?.status;
            return new GraphQLError(error.message, {
              nodes: error.nodes,
              path: error.path,
              originalError: error.originalError,
              extensions: { ...extensions, code: extensions.code ?? codeForStatus(status) },
            });
          }),
        };
      });
      if (changed) setResult((Array.isArray(result) ? fixed : fixed[0]) as never);
    },
  };
}
