import { GraphQLError } from 'graphql';
import { type Code, RequestErrorCode, statusOf } from './codes.ts';

/**
 * The one way an error sets the HTTP status: `extensions.http`, with the status the code table
 * gives the code. Yoga takes the response's status and headers from there and strips `http`
 * from the body. Used by every error that refuses a request as a whole.
 */
export function refusalExtensions(
  code: Code,
  headers?: Record<string, string>,
): { code: Code; http: { status: number; headers?: Record<string, string> } } {
  return { code, http: { status: statusOf(code), ...(headers && { headers }) } };
}

/** A GraphQL error that refuses the whole request with `code` (and the status the table gives it). */
export function requestRefusal(
  code: Code,
  message: string,
  options: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { ...options.extensions, ...refusalExtensions(code, options.headers) },
  });
}

/**
 * A whole-request refusal as a GraphQL error body (`{"errors":[{message, extensions:{code}}]}`),
 * for responses made before Yoga runs (body limit, request guard). The status is the code's,
 * unless `status` keeps one Yoga already chose (an empty 4xx given a body). `headers` are kept,
 * except a content type or length of another body.
 */
export function errorResponse(
  code: Code,
  message: string,
  options: { headers?: HeadersInit; status?: number } = {},
): Response {
  const merged = new Headers(options.headers);
  merged.set('content-type', 'application/json; charset=utf-8');
  merged.delete('content-length');
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status: options.status ?? statusOf(code),
    headers: merged,
  });
}

/** The code of an error that came without one, from the HTTP status it carries. */
export function codeForStatus(status: number | undefined): Code {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
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
