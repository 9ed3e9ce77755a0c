import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { createGateway } from '../../src/gateway.ts';
import { createLogger } from '../../src/logger.ts';
import type { FetchLike } from '../../src/ops-manager/client.ts';
import { createUpstream, type Upstream } from '../../src/ops-manager/upstream.ts';
import { subgraphSchema } from '../../src/schema/index.ts';
import { DEMO_API_KEY, type Simulator, startSimulator } from '../../src/simulator/index.ts';
import { closeServer, type CompanySubgraph, startCompanySubgraph } from './company-subgraph.ts';
import { composeSupergraph } from './supergraph.ts';

/** The headers a router must pass on to our subgraph. */
export const FORWARDED_HEADERS = ['authorization', 'x-request-id'] as const;

export interface RouterResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/**
 * A supergraph on loopback, as a company would run it: the Ops Manager simulator, our
 * gateway serving `subgraphSchema` at /subgraph, the company example subgraph, and Hive
 * Gateway's runtime in process composing the two. Nothing leaves 127.0.0.1: the supergraph
 * is given as SDL (no CDN, no polling) and no usage reporting is configured.
 */
export interface FederatedStack {
  simulator: Simulator;
  upstream: Upstream;
  /** Our subgraph's URL, `http://127.0.0.1:PORT/subgraph`. */
  subgraphUrl: string;
  /** Headers of every request our subgraph's HTTP server received, in order. */
  subgraphRequests: IncomingHttpHeaders[];
  /** Every URL the router fetched. */
  routerFetches: string[];
  /** Sends an operation to the router, in process, with the given client headers. */
  query(query: string, headers?: Record<string, string>): Promise<RouterResult>;
  close(): Promise<void>;
}

export interface FederatedStackOptions {
  /** @default { projects: 50, invitationsPerProject: 2 } */
  seed?: { projects: number; invitationsPerProject: number };
  /** The client's in-flight cap. @default 32 */
  maxInFlight?: number;
  /** Wraps the HTTP transport under the Digest client (to measure concurrency). */
  wrapTransport?: (fetch: FetchLike) => FetchLike;
}

export async function startFederatedStack(options: FederatedStackOptions = {}): Promise<FederatedStack> {
  const simulator = await startSimulator({ seed: options.seed ?? { projects: 50, invitationsPerProject: 2 } });
  const logger = createLogger({ level: 'silent' });
  const upstream = createUpstream({
    baseUrl: simulator.baseUrl,
    publicKey: DEMO_API_KEY.publicKey,
    privateKey: DEMO_API_KEY.privateKey,
    logger,
    timeoutMs: 5_000,
    maxInFlight: options.maxInFlight ?? 32,
    wrapTransport: options.wrapTransport,
    // One quick retry keeps failure tests fast and their GET counts exact.
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const subgraph = createGateway({
    client: upstream.client,
    logger,
    schema: subgraphSchema,
    graphqlEndpoint: '/subgraph',
    graphiql: false,
  });

  // createGateway takes no extra plugins, so the forwarded headers are observed where they
  // arrive: at our subgraph's HTTP server, before Yoga builds the context from that request.
  const subgraphRequests: IncomingHttpHeaders[] = [];
  const subgraphServer: Server = createServer((request, response) => {
    subgraphRequests.push(request.headers);
    void subgraph(request, response);
  });
  await new Promise<void>((resolve) => subgraphServer.listen(0, '127.0.0.1', resolve));
  const subgraphUrl = `http://127.0.0.1:${(subgraphServer.address() as AddressInfo).port}/subgraph`;

  let company: CompanySubgraph | undefined;
  try {
    company = await startCompanySubgraph();
  } catch (error) {
    await closeServer(subgraphServer);
    throw error;
  }

  const routerFetches: string[] = [];
  const router: GatewayRuntime = createGatewayRuntime({
    supergraph: composeSupergraph({ invitations: subgraphUrl, company: company.url }),
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) =>
        Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, request.headers.get(name)])),
    },
    plugins: () => [{ onFetch: ({ url }) => void routerFetches.push(url) }],
  });

  return {
    simulator,
    upstream,
    subgraphUrl,
    subgraphRequests,
    routerFetches,
    async query(query, headers = {}) {
      const response = await router.fetch('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as RouterResult;
    },
    async close() {
      await router.dispose();
      await company.close();
      await closeServer(subgraphServer);
      await upstream.close();
      await simulator.close();
    },
  };
}
