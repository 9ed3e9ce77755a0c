import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { Router, RouterFetch, RouterResult } from './federated-stack.ts';

/** What the router's context carries from the client's request: its headers, to forward. */
interface ClientContext {
  headers: Record<string, string>;
}

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Apollo's JavaScript gateway (`@apollo/gateway`, Apollo's composer and query planner, the
 * planner behind Apollo's routers) in an Apollo Server, in process: `IntrospectAndCompose`
 * fetches each running subgraph's `_service { sdl }` and composes them, as a company without a
 * schema registry runs it. Every request it sends to a subgraph goes through `onFetch` first;
 * it forwards `forwardedHeaders` from the client, as the README's router configuration does.
 */
export async function startApolloRouter(options: {
  urls: Record<string, string>;
  forwardedHeaders: readonly string[];
  onFetch: (fetch: RouterFetch) => void;
}): Promise<Router> {
  const fetcher: typeof fetch = (input, init) => {
    options.onFetch({ url: String(input), body: typeof init?.body === 'string' ? init.body : '' });
    return fetch(input, init);
  };
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: Object.entries(options.urls).map(([name, url]) => ({ name, url })),
    }),
    logger: SILENT,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<ClientContext>({
        url,
        fetcher: fetcher as unknown as RemoteGraphQLDataSource['fetcher'],
        willSendRequest({ request, context }) {
          for (const name of options.forwardedHeaders) {
            const value = context.headers?.[name];
            if (value) request.http?.headers.set(name, value);
          }
        },
      }),
  });
  const server = new ApolloServer<ClientContext>({ gateway, logger: SILENT, includeStacktraceInErrorResponses: false });
  await server.start();
  return {
    async query(query, headers, variables): Promise<RouterResult> {
      const response = await server.executeOperation({ query, variables }, { contextValue: { headers } });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as RouterResult;
    },
    dispose: () => server.stop(),
  };
}
