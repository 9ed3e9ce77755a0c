import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { printSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { createApp } from '../../src/app.ts';
import type { FetchLike } from '../fetch-send.ts';
import type { Upstream } from '../../src/ops-manager/upstream.ts';
import { appOverrides, stackConfig } from '../integration/stack.ts';
import { DEMO_API_KEY, type Simulator, startSimulator } from '../../src/simulator/index.ts';
import { subgraphSchemaFor } from '../../src/schema/index.ts';
import { startApolloRouter } from './apollo-router.ts';
import { type CompanyShape, PROJECTS_SHAPE } from './company-shapes.ts';
import {
  catalogOf,
  closeServer,
  type CompanyCatalog,
  type RunningCompanySubgraph,
  startCompanySubgraph,
} from './company-server.ts';
import { composeSupergraph, OURS } from './supergraph.ts';

/** The headers a router must pass on to our subgraph. */
export const FORWARDED_HEADERS = ['authorization', 'x-request-id'] as const;

export interface RouterResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** One request the router sent to a subgraph. */
export interface RouterFetch {
  url: string;
  /** The GraphQL request body as sent (query and variables). */
  body: string;
}

/** A router in process, whichever it is: what the stack asks of it. */
export interface Router {
  query(query: string, headers: Record<string, string>, variables?: Record<string, unknown>): Promise<RouterResult>;
  dispose(): Promise<void>;
}

/**
 * A supergraph on loopback, as a company would run it: the Ops Manager simulator, our
 * gateway serving `subgraphSchema` at /subgraph, a company graph in one of the shapes of
 * company-shapes.ts, and a router in process composing them: Hive Gateway's runtime (the
 * supergraph given as SDL, composed by the Guild's composer: no CDN, no polling), or Apollo's
 * JavaScript gateway (IntrospectAndCompose over the running subgraphs: Apollo's composer and
 * query planner). Nothing leaves 127.0.0.1: no usage reporting is configured.
 */
export interface FederatedStack {
  simulator: Simulator;
  upstream: Upstream;
  /** Our subgraph's URL, `http://127.0.0.1:PORT/subgraph`. */
  subgraphUrl: string;
  /** Headers of every request our subgraph's HTTP server received, in order. */
  subgraphRequests: IncomingHttpHeaders[];
  /** The company's data; tests change it between cases. */
  catalog: CompanyCatalog;
  /** Every request the router sent, to any subgraph. */
  routerFetches: RouterFetch[];
  /** The GraphQL requests the router sent to our subgraph, parsed. */
  requestsToUs(): Array<{ query: string; variables?: Record<string, unknown> }>;
  /** Sends an operation to the router, in process, with the given client headers. */
  query(query: string, headers?: Record<string, string>, variables?: Record<string, unknown>): Promise<RouterResult>;
  close(): Promise<void>;
}

export interface FederatedStackOptions {
  /** The company graph. @default PROJECTS_SHAPE, shape (a) */
  company?: CompanyShape;
  /** The company's projects and organizations. @default catalogOf(25): the simulator's first 25 projects */
  catalog?: CompanyCatalog;
  /** @default { projects: 50, invitationsPerProject: 2 } */
  seed?: { projects: number; invitationsPerProject: number };
  /** The client's in-flight cap. @default 32 */
  maxInFlight?: number;
  /** Wraps the HTTP transport under the Digest client (to measure concurrency). */
  wrapTransport?: (fetch: FetchLike) => FetchLike;
  /** FEDERATION_NAMESPACE of our subgraph. @default its default, OpsManager */
  namespace?: string;
  /** @default 'hive' */
  router?: 'hive' | 'apollo';
}

export async function startFederatedStack(options: FederatedStackOptions = {}): Promise<FederatedStack> {
  const simulator = await startSimulator({ seed: options.seed ?? { projects: 50, invitationsPerProject: 2 } });
  // Our service as a company runs it behind a router: FEDERATION_SUBGRAPH on, the rest as configured.
  const stackOptions = {
    env: {
      FEDERATION_SUBGRAPH: 'true',
      ...(options.namespace === undefined ? {} : { FEDERATION_NAMESPACE: options.namespace }),
    },
    logLevel: 'silent',
    timeoutMs: 5_000,
    maxInFlight: options.maxInFlight,
    // One quick retry keeps failure tests fast and their GET counts exact.
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    wrapTransport: options.wrapTransport,
  };
  const app = await createApp(stackConfig(stackOptions), {
    ...appOverrides(stackOptions),
    upstream: { baseUrl: simulator.baseUrl, publicKey: DEMO_API_KEY.publicKey, privateKey: DEMO_API_KEY.privateKey },
  });
  const { upstream } = app;

  // The forwarded headers are observed where they arrive: at our service's HTTP server, before
  // Yoga builds the context from that request.
  const subgraphRequests: IncomingHttpHeaders[] = [];
  const subgraphServer: Server = createServer((request, response) => {
    subgraphRequests.push(request.headers);
    app.handle(request, response);
  });
  await new Promise<void>((resolve) => subgraphServer.listen(0, '127.0.0.1', resolve));
  const subgraphUrl = `http://127.0.0.1:${(subgraphServer.address() as AddressInfo).port}/subgraph`;

  const catalog = options.catalog ?? catalogOf(25);
  const shape = options.company ?? PROJECTS_SHAPE;
  const company: RunningCompanySubgraph[] = [];
  try {
    for (const definition of shape.subgraphs) company.push(await startCompanySubgraph(definition, catalog));
  } catch (error) {
    await Promise.all([...company.map((subgraph) => subgraph.close()), closeServer(subgraphServer)]);
    throw error;
  }
  const urls = Object.fromEntries([
    [OURS, subgraphUrl],
    ...shape.subgraphs.map(({ name }, i) => [name, company[i]!.url]),
  ]);

  const routerFetches: RouterFetch[] = [];
  const oursSdl = printSubgraphSchema(
    subgraphSchemaFor(app.config.federationProjectIdType, app.config.federationNamespace),
  );
  let router: Router;
  try {
    router =
      options.router === 'apollo'
        ? await startApolloRouter({
            urls,
            forwardedHeaders: FORWARDED_HEADERS,
            onFetch: (fetch) => routerFetches.push(fetch),
          })
        : hiveRouter(composeSupergraph(shape, urls, oursSdl), routerFetches);
  } catch (error) {
    await Promise.all([...company.map((subgraph) => subgraph.close()), closeServer(subgraphServer)]);
    await app.close();
    await simulator.close();
    throw error;
  }
  // What the router fetched to start (Apollo's introspection of each subgraph) is no test's.
  routerFetches.length = 0;

  return {
    simulator,
    upstream,
    subgraphUrl,
    subgraphRequests,
    catalog,
    routerFetches,
    requestsToUs: () => routerFetches.filter(({ url }) => url === subgraphUrl).map(({ body }) => JSON.parse(body)),
    query: (query, headers = {}, variables) => router.query(query, headers, variables),
    async close() {
      await router.dispose();
      await Promise.all(company.map((subgraph) => subgraph.close()));
      await closeServer(subgraphServer);
      await app.close();
      await simulator.close();
    },
  };
}

/** Hive Gateway's runtime over a composed supergraph, forwarding FORWARDED_HEADERS, recording its fetches. */
function hiveRouter(supergraph: string, routerFetches: RouterFetch[]): Router {
  const runtime = createGatewayRuntime({
    supergraph,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) =>
        Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)])),
    },
    plugins: () => [
      {
        onFetch: ({ url, options: init }) =>
          void routerFetches.push({ url, body: typeof init.body === 'string' ? init.body : '' }),
      },
    ],
  });
  return {
    async query(query, headers, variables) {
      const response = await runtime.fetch('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as RouterResult;
    },
    dispose: async () => {
      await runtime.dispose();
    },
  };
}
