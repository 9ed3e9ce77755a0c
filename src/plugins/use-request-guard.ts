import type { Plugin } from 'graphql-yoga';
import { codeForStatus, errorResponse, RequestErrorCode } from '../errors/index.ts';

// What this API can respond in; a POST accepting none of them is refused before it runs.
const RESPONSE_TYPES = new Set([
  '*/*',
  'application/*',
  'application/json',
  'application/graphql-response+json',
  'multipart/mixed',
  'text/event-stream',
]);

function mediaTypes(header: string): string[] {
  return header.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
}

/**
 * HTTP-level guards that Yoga leaves open:
 * - a POST whose Accept names nothing this API can respond in is refused with 406 *before*
 *   execution (Yoga would run the operation, a mutation included, and only then respond 406);
 * - media types are case-insensitive (RFC 9110): `Application/JSON` is JSON;
 * - every 4xx response has a GraphQL error body with a code (Yoga sends 406 and 415 empty).
 */
export function useRequestGuard(): Plugin {
  return {
    onRequest({ request, setRequest, endResponse }) {
      if (request.method !== 'POST') return;
      const accept = request.headers.get('accept');
      // Most clients send exactly one of the types: no need to split the header then.
      if (
        accept !== null &&
        !RESPONSE_TYPES.has(accept) &&
        !mediaTypes(accept).some((type) => RESPONSE_TYPES.has(type))
      ) {
        return endResponse(
          errorResponse(
            RequestErrorCode.NOT_ACCEPTABLE,
            'This API responds in application/graphql-response+json or application/json.',
          ),
        );
      }
      const contentType = request.headers.get('content-type');
      if (contentType && contentType !== contentType.toLowerCase()) {
        const headers = new Headers(request.headers);
        headers.set('content-type', contentType.toLowerCase());
        setRequest(
          new Request(request.url, { method: 'POST', headers, body: request.body, duplex: 'half' } as RequestInit),
        );
      }
    },
    onResponse({ response, setResponse }) {
      if (response.status >= 400 && response.status < 500 && response.body === null) {
        const message =
          response.status === 415
            ? 'Send the operation as application/json.'
            : `The request was refused (${response.status}).`;
        // Yoga chose the status; the body says it with a code.
        setResponse(
          errorResponse(codeForStatus(response.status), message, {
            status: response.status,
            headers: response.headers,
          }),
        );
      }
    },
  };
}
