import { type GraphQLSchema, isIntrospectionType, isSpecifiedScalarType } from 'graphql';
import { DEFAULT_FEDERATION_NAMESPACE } from '../config.ts';
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

/**
 * The names a namespace prefixes: every type the plain API defines, except the entity it shares
 * with a company graph (`Project`) and the root types. Federation's definitions (`_Any`,
 * `_Entity`, `_Service`, `link__*`) are not in the plain API, so they keep their names.
 */
const ownTypes: ReadonlySet<string> = new Set(
  Object.values(schema.getTypeMap())
    .filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type))
    .filter((type) => type !== schema.getQueryType() && type !== schema.getMutationType() && type.name !== 'Project')
    .map((type) => type.name),
);

/**
 * The subgraph a company supergraph composes with (subgraph.ts): `Project` keyed by
 * `projectKey`, every other name it adds prefixed by `namespace` ('' for none).
 */
export function subgraphSchemaFor(
  projectKey: ProjectKeyScalar,
  namespace: string = DEFAULT_FEDERATION_NAMESPACE,
): GraphQLSchema {
  return asCompanySubgraph(pothosSubgraph, { projectKey, namespace, ownTypes });
}

/** The default subgraph (`Project` keyed by `id: ID!`, namespace `OpsManager`): what subgraph.graphql pins. */
export const subgraphSchema = subgraphSchemaFor('ID');
