import type { ServerResponse } from 'node:http';
import type { OpsManagerError } from './errors.ts';

/** A status, an optional JSON body (absent: empty body, e.g. 204) and extra headers. */
export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

/** The `pretty` and `envelope` query parameters every Ops Manager endpoint takes. */
export interface ResponseFormat {
  pretty: boolean;
  envelope: boolean;
}

export function responseFormat(query: URLSearchParams): ResponseFormat {
  return { pretty: query.get('pretty') === 'true', envelope: query.get('envelope') === 'true' };
}

export function errorResult(error: OpsManagerError): ApiResult {
  const headers: Record<string, string> = { ...error.headers };
  if (error.errorCode !== undefined) headers['X-Error-Code'] = error.errorCode;
  return { status: error.status, body: error.toBody(), headers };
}

/**
 * Writes a result. With `envelope=true` the body becomes `{"status": <status>, "content": <body>}`
 * and the HTTP status 200, errors included, for clients that cannot read the status line; an empty
 * body (204) is enveloped as `{}`, the "empty JSON object" the delete docs mention.
 */
export function sendApiResult(response: ServerResponse, result: ApiResult, format: ResponseFormat): void {
  let status = result.status;
  let body = result.body;
  if (format.envelope) {
    body = { status, content: body ?? {} };
    status = 200;
  }
  if (body === undefined) {
    response.writeHead(status, { ...result.headers });
    response.end();
    return;
  }
  sendRaw(
    response,
    status,
    JSON.stringify(body, null, format.pretty ? 2 : undefined),
    'application/json',
    result.headers,
  );
}

export function sendRaw(
  response: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** The body a real Ops Manager sends with a Digest 401: note that there is no errorCode. */
export const UNAUTHORIZED_BODY = {
  reason: 'Unauthorized',
  error: 401,
  detail: 'You are not authorized for this resource.',
};

export function sendChallenge(response: ServerResponse, wwwAuthenticate: string, failure: string): void {
  sendRaw(response, 401, JSON.stringify(UNAUTHORIZED_BODY), 'application/json;charset=ISO-8859-1', {
    'WWW-Authenticate': wwwAuthenticate,
    'X-Simulator-Auth-Failure': failure,
  });
}
