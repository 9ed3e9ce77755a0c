import { printSubgraphSchema } from '@apollo/subgraph';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { GraphQLID, GraphQLNonNull, GraphQLObjectType, type GraphQLSchema, GraphQLString, parseType } from 'graphql';
import { withNamespace } from './namespace.ts';

/**
 * The scalar a company's graph keys `Project` by. Federation requires a key field to have the
 * same type in every subgraph, and almost every company writes `id: ID!`; some write `String!`.
 */
export type ProjectKeyScalar = 'ID' | 'String';

const KEY_SCALARS = { ID: GraphQLID, String: GraphQLString } as const;

/** How the subgraph fits a company graph: its key scalar, and the namespace of the names it adds. */
export interface CompanySubgraphOptions {
  projectKey: ProjectKeyScalar;
  /** The prefix of the subgraph's own types and mutations (FEDERATION_NAMESPACE); '' for none. */
  namespace: string;
  /** The types the subgraph adds: the namespace prefixes these (not `Project`, not federation's). */
  ownTypes: ReadonlySet<string>;
}

/** The root fields a supergraph member of ours resolves on Query: federation's own, nothing else. */
const FEDERATION_QUERY_FIELDS = new Set(['_entities', '_service']);

/**
 * Turns the subgraph Pothos builds (the plain API plus `_entities`/`_service`) into the one a
 * company supergraph composes with. Pothos builds one set of types from one builder, so the two
 * differences are a transform of that schema rather than a second builder:
 *
 * - `Project.id` is the company's key scalar (`ID!` by default) instead of `ObjectID!`. The value
 *   is still checked (24 hex characters) by `resolveReference` before any Ops Manager call.
 * - `Project` carries no description of ours: the company's graph owns what a project is.
 * - `Query` keeps only `_entities` and `_service`: `project`/`projects` are the company's root
 *   fields to own. The subgraph's entry points are `Project.invitations`/`Project.invitation`
 *   (reached through the company's projects) and the mutations.
 *
 * - With a namespace, every other name it adds is prefixed (namespace.ts): its types
 *   (`OpsManagerInvitation`, `OpsManagerError`…) and mutations (`opsManagerCreateInvitation`…),
 *   so that none collides with a company graph's own. `Project`, its fields and federation's
 *   definitions keep their names.
 *
 * Resolvers, entity resolution and directives carry over unchanged; `_service { sdl }` returns
 * the printed transformed schema, as a router must see exactly what it routes to.
 */
export function asCompanySubgraph(
  pothosSubgraph: GraphQLSchema,
  { projectKey, namespace, ownTypes }: CompanySubgraphOptions,
): GraphQLSchema {
  let sdl: string | undefined;
  const keyed: GraphQLSchema = mapSchema(pothosSubgraph, {
    [MapperKind.QUERY]: (query) =>
      withFields(query, (fields) => {
        const kept = Object.fromEntries(Object.entries(fields).filter(([name]) => FEDERATION_QUERY_FIELDS.has(name)));
        return {
          ...kept,
          _service: { ...kept._service!, resolve: () => ({ sdl: (sdl ??= printSubgraphSchema(subgraph)) }) },
        };
      }),
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (type.name !== 'Project') return type;
      const keyed = withFields(type, (fields) => ({
        ...fields,
        id: { ...fields.id!, type: new GraphQLNonNull(KEY_SCALARS[projectKey]) },
      }));
      // What a project is, the company's graph says: without a description of ours, the
      // supergraph keeps theirs (composers otherwise pick one and hint INCONSISTENT_DESCRIPTION).
      const config = keyed.toConfig();
      return new GraphQLObjectType({
        ...config,
        description: undefined,
        astNode: config.astNode && { ...config.astNode, description: undefined },
      });
    },
  });
  const subgraph = namespace ? withNamespace(keyed, { namespace, types: ownTypes }) : keyed;
  return subgraph;
}

type FieldMap = ReturnType<GraphQLObjectType['toConfig']>['fields'];

/**
 * The type with its fields changed, and its AST node to match: Apollo's SDL printer prints a
 * type from its AST node when it has one (Pothos gives every type one, for the directives), so
 * the node keeps the fields' declaration order and says the new field types.
 */
function withFields(type: GraphQLObjectType, change: (fields: FieldMap) => FieldMap): GraphQLObjectType {
  const config = type.toConfig();
  const fields = change(config.fields);
  const astNode = config.astNode && {
    ...config.astNode,
    fields: config.astNode.fields
      ?.filter((node) => node.name.value in fields)
      .map((node) => ({ ...node, type: parseType(String(fields[node.name.value]!.type)) })),
  };
  return new GraphQLObjectType({ ...config, fields, astNode });
}
