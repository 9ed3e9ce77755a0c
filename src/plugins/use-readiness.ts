import type { Plugin } from 'graphql-yoga';

/**
 * Responds to requests for `endpoint` (any method, as Yoga's useReadinessCheck does): 200 when
 * `isReady()` resolves true, 503 when it resolves false or rejects. Yoga's plugin does the same but tests the
 * URL of every request, GraphQL ones included, against a URLPattern, which cost more than any of
 * the gateway's own plugins per operation; here most requests are told apart by one substring
 * search, and the path is then compared exactly.
 */
export function useReadiness(options: { endpoint: string; isReady: () => Promise<boolean> }): Plugin {
  const { endpoint, isReady } = options;
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!request.url.includes(endpoint) || url.pathname !== endpoint) return;
      const respond = (ready: boolean) => endResponse(new fetchAPI.Response(null, { status: ready ? 200 : 503 }));
      return isReady().then(respond, () => respond(false));
    },
  };
}
