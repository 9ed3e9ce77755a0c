import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { generatedProjectId } from '../../src/simulator/demo-data.ts';
import type { CompanySubgraphDefinition } from './company-shapes.ts';

/** The company's own data, which tests change between cases. */
export interface CompanyCatalog {
  organizations: Array<{ id: string; name: string }>;
  projects: Array<{ id: string; name: string; organizationId: string }>;
}

/** The company's name of a project: derived from its id, so any id has one. */
export function catalogName(id: string): string {
  return `Project ${id.slice(-4)}`;
}

/**
 * A catalog of the simulator's first `count` projects (their Ops Manager ids, as the company
 * stores them), spread over `organizations` organizations in turn.
 */
export function catalogOf(count: number, organizations = 3): CompanyCatalog {
  return {
    organizations: Array.from({ length: organizations }, (_, o) => ({ id: `org-${o}`, name: `Organization ${o}` })),
    projects: Array.from({ length: count }, (_, p) => {
      const id = generatedProjectId(p);
      return { id, name: catalogName(id), organizationId: `org-${p % organizations}` };
    }),
  };
}

/**
 * Resolvers the way a company's service would write them, by subgraph name: plain lookups
 * in its catalog, `__resolveReference` for the entities it owns. Shape (c) is composed only.
 */
const RESOLVERS: Record<string, (catalog: CompanyCatalog) => GraphQLResolverMap<unknown>> = {
  projects: (catalog) => {
    const find = (id: string) => catalog.projects.find((project) => project.id === id) ?? null;
    return {
      Query: { projects: () => catalog.projects, project: (_root, { id }: { id: string }) => find(id) },
      Project: { __resolveReference: ({ id }: { id: string }) => find(id), createdAt: () => '2024-05-01T09:00:00Z' },
    };
  },
  organizations: (catalog) => {
    const organization = (id: string) => catalog.organizations.find((org) => org.id === id) ?? null;
    return {
      Query: {
        organizations: () => catalog.organizations,
        organization: (_root, { id }: { id: string }) => organization(id),
      },
      Organization: {
        __resolveReference: ({ id }: { id: string }) => organization(id),
        projects: ({ id }: { id: string }) => catalog.projects.filter((project) => project.organizationId === id),
      },
      Project: {
        __resolveReference: ({ id }: { id: string }) => catalog.projects.find((project) => project.id === id) ?? null,
        organization: ({ organizationId }: { organizationId: string }) => organization(organizationId),
      },
    };
  },
};

/** The many-teams company of clashing-shapes.ts (MANY_TEAMS_SHAPE): what the router tests run. */
const MANY_TEAMS_RESOLVERS: Record<string, (catalog: CompanyCatalog) => GraphQLResolverMap<unknown>> = {
  teamprojects: (catalog) => {
    const find = (id: string) => catalog.projects.find((project) => project.id === id) ?? null;
    return {
      Query: { projects: () => catalog.projects, project: (_root, { id }: { id: string }) => find(id) },
      Project: { __resolveReference: ({ id }: { id: string }) => find(id) },
      Mutation: {
        renameProject: (_root, { id, name }: { id: string; name: string }) => {
          const project = find(id);
          if (!project) return { __typename: 'NotFoundError', message: `No project ${id}.`, id };
          project.name = name;
          return { __typename: 'ProjectRenamed', project };
        },
      },
      RenameProjectResult: { __resolveType: ({ __typename }: { __typename: string }) => __typename },
      Error: { __resolveType: ({ __typename }: { __typename: string }) => __typename },
    };
  },
  // Their organization invitations: nothing to do with Ops Manager's, the same names.
  teamaccounts: () => ({
    Query: {
      pendingInvitations: (_root, { orgId }: { orgId: string }) => [
        { id: 'org-invitation-1', email: 'pending@example.com', orgId },
      ],
    },
    Mutation: {
      createInvitation: (_root, { orgId, email }: { orgId: string; email: string }) => ({
        id: 'org-invitation-2',
        email,
        orgId,
      }),
      deleteInvitation: () => true,
    },
  }),
  memberships: () => ({
    Query: { myProjects: () => [] },
    Project: {
      __resolveReference: ({ id }: { id: string }) => ({ id }),
      memberships: () => [{ userId: 'user-1', role: 'OWNER' }],
    },
    Mutation: { setProjectRole: (_root, { userId, role }: { userId: string; role: string }) => ({ userId, role }) },
  }),
  audit: () => ({
    Query: { auditEvents: () => [] },
    Project: { __resolveReference: ({ id }: { id: string }) => ({ id }), failures: () => [] },
  }),
};

export interface RunningCompanySubgraph {
  url: string;
  close(): Promise<void>;
}

/** Serves one company subgraph (Apollo's buildSubgraphSchema, as companies use) on 127.0.0.1, port 0. */
export async function startCompanySubgraph(
  definition: CompanySubgraphDefinition,
  catalog: CompanyCatalog,
): Promise<RunningCompanySubgraph> {
  const resolvers = RESOLVERS[definition.name] ?? MANY_TEAMS_RESOLVERS[definition.name];
  if (!resolvers) throw new Error(`no resolvers for company subgraph ${definition.name}`);
  const schema = buildSubgraphSchema({ typeDefs: parse(definition.sdl), resolvers: resolvers(catalog) });
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
