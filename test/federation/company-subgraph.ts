import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * A small stand-in for the company's own subgraph: it owns `Project` (its name) and knows
 * nothing of invitations. Shared elements (`ObjectID`, `Project`, `Project.id`) carry no
 * description here, so the supergraph keeps ours and no two descriptions disagree.
 */
export const COMPANY_SUBGRAPH_SDL = /* GraphQL */ `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

scalar ObjectID

type Project @key(fields: "id") {
  id: ObjectID!
  "The project's name in the company catalog."
  name: String!
}

type Query {
  "Projects of the company catalog by id, in the order given, repeats kept."
  catalog(ids: [ObjectID!]!): [Project!]!
}
`;

/** The catalog's name of a project: derived from the id, so any id has one. */
export function catalogName(id: string): string {
  return `Project ${id.slice(-4)}`;
}

export interface CompanySubgraph {
  url: string;
  close(): Promise<void>;
}

/** Serves the company subgraph on 127.0.0.1, port 0, path /graphql. */
export async function startCompanySubgraph(): Promise<CompanySubgraph> {
  const toProject = (id: string) => ({ id, name: catalogName(id) });
  const schema = buildSubgraphSchema({
    typeDefs: parse(COMPANY_SUBGRAPH_SDL),
    resolvers: {
      Query: { catalog: (_root: unknown, { ids }: { ids: string[] }) => ids.map(toProject) },
      Project: { __resolveReference: ({ id }: { id: string }) => toProject(id) },
    },
  });
  const server: Server = createServer(createYoga({ schema, logging: false, landingPage: false, graphiql: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => closeServer(server),
  };
}

/** Closes a server, keep-alive sockets included, so that tests end by themselves. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
