import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import { asCompanySubgraph, type ProjectKeyScalar } from './subgraph.ts';
import './scalars.ts';
import './errors.ts';
import './roles.ts';
import './project.ts';
import './invitation.ts';
import './invitation-mutations.ts';

/** The plain API (what `/graphql` serves). Pothos sorts it, so its printed form is stable. */
export const schema = builder.toSchema();

/**
 * The API as Pothos makes it a Federation v2 subgraph: `_service`, `_entities`, `@key` on
 * Project. The version is pinned, so that a plugin upgrade cannot change the SDL routers compose.
 */
const pothosSubgraph = builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' });

/** The subgraph a company supergraph composes with, `Project` keyed by `projectKey` (subgraph.ts). */
export function subgraphSchemaFor(projectKey: ProjectKeyScalar): GraphQLSchema {
  return asCompanySubgraph(pothosSubgraph, projectKey);
}

/** The default subgraph (`Project` keyed by `id: ID!`): what subgraph.graphql pins. */
export const subgraphSchema = subgraphSchemaFor('ID');
