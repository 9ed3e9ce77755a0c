import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  type ASTNode,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  type GraphQLNamedType,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  GraphQLUnionType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  Kind,
  visit,
} from 'graphql';

/**
 * The extension a namespaced root field keeps its plain name in (`createInvitation` for
 * `opsManagerCreateInvitation`): what the audit trail records, the same behind either endpoint.
 */
export const PLAIN_NAME = 'plainName';

/**
 * The root field a namespace gives a plain field: the namespace in camelCase, then the field's
 * name with its first letter upper-cased. `OpsManager` + `createInvitation` →
 * `opsManagerCreateInvitation`; a leading acronym is lower-cased whole (`ACME` → `acmeCreateInvitation`,
 * `ACMECorp` → `acmeCorpCreateInvitation`).
 */
export function namespacedFieldName(namespace: string, field: string): string {
  const prefix = namespace.replace(/^[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)|^[A-Z]/, (head) => head.toLowerCase());
  return `${prefix}${field.charAt(0).toUpperCase()}${field.slice(1)}`;
}

export interface NamespaceOptions {
  /** The prefix, e.g. `OpsManager`. */
  namespace: string;
  /** The types to prefix: those the subgraph defines, minus the ones it shares (`Project`) and the root types. */
  types: ReadonlySet<string>;
}

/**
 * The schema with every type of `types` renamed `${namespace}${name}`, and every mutation
 * `namespacedFieldName(namespace, name)`: a rename of the one schema (as graphql-tools'
 * RenameTypes/RenameRootFields transforms do), not a second schema, and with no delegation:
 * the resolvers run as they are. What a rename would otherwise break is carried along:
 *
 * - the abstract types' `resolveType` return plain type names (Pothos's unions and interfaces
 *   name their members): they are mapped to the new names, so `__typename` of a result union
 *   member, an error-as-data member, is the namespaced one;
 * - every type's AST node, which Apollo's SDL printer (and so `_service { sdl }`) prints a
 *   type from when it has one: its own name, every type it references, the mutation names;
 * - scalars keep their parsing and serializing, enums their values, inputs `@oneOf`: only the
 *   names change.
 */
export function withNamespace(schema: GraphQLSchema, { namespace, types }: NamespaceOptions): GraphQLSchema {
  const rename = (name: string) => (types.has(name) ? `${namespace}${name}` : name);
  const mutationName = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.TYPE]: (type) =>
      renamed(type, rename, type.name === mutationName ? (field) => namespacedFieldName(namespace, field) : undefined),
  });
}

/** A type under its new name, with its AST and type resolution to match; fields renamed by `renameField`. */
function renamed(
  type: GraphQLNamedType,
  rename: (name: string) => string,
  renameField?: (name: string) => string,
): GraphQLNamedType {
  const name = rename(type.name);
  const ast = <T extends ASTNode | null | undefined>(node: T): T =>
    node && renamedNode(node, name, rename, renameField);
  /** A type's config under the new name, its AST nodes renamed. */
  const as = <C extends { astNode?: ASTNode | null | undefined; extensionASTNodes?: readonly ASTNode[] }>(
    config: C,
  ): C & { name: string } => ({
    ...config,
    name,
    astNode: ast(config.astNode),
    extensionASTNodes: config.extensionASTNodes?.map((node) => ast(node)),
  });
  if (isObjectType(type)) {
    const config = type.toConfig();
    const fields = renameField
      ? Object.fromEntries(
          Object.entries(config.fields).map(([field, fieldConfig]) => [
            renameField(field),
            { ...fieldConfig, extensions: { ...fieldConfig.extensions, [PLAIN_NAME]: field } },
          ]),
        )
      : config.fields;
    return new GraphQLObjectType({ ...as(config), fields });
  }
  if (isInterfaceType(type)) {
    const config = type.toConfig();
    return new GraphQLInterfaceType({
      ...as(config),
      resolveType: config.resolveType && renamedResolver(config.resolveType, rename),
    });
  }
  if (isUnionType(type)) {
    const config = type.toConfig();
    return new GraphQLUnionType({
      ...as(config),
      resolveType: config.resolveType && renamedResolver(config.resolveType, rename),
    });
  }
  if (isEnumType(type)) return new GraphQLEnumType(as(type.toConfig()));
  if (isInputObjectType(type)) return new GraphQLInputObjectType(as(type.toConfig()));
  if (isScalarType(type)) return new GraphQLScalarType(as(type.toConfig()));
  return type;
}

/** A type resolver whose result, a plain type name, is given its new name. */
function renamedResolver<TSource, TContext>(
  resolve: GraphQLTypeResolver<TSource, TContext>,
  rename: (name: string) => string,
): GraphQLTypeResolver<TSource, TContext> {
  const map = (name: string | undefined) => (typeof name === 'string' ? rename(name) : name);
  return (...args) => {
    const resolved = resolve(...args);
    return resolved instanceof Promise ? resolved.then(map) : map(resolved);
  };
}

/** A type definition's AST with its own name, the types it references and (for Mutation) its fields renamed. */
function renamedNode<T extends ASTNode>(
  node: T,
  name: string,
  rename: (name: string) => string,
  renameField?: (name: string) => string,
): T {
  const references = visit(node, {
    [Kind.NAMED_TYPE]: (named) => ({ ...named, name: { ...named.name, value: rename(named.name.value) } }),
    [Kind.FIELD_DEFINITION]: (field) =>
      renameField ? { ...field, name: { ...field.name, value: renameField(field.name.value) } } : undefined,
  });
  return 'name' in references && references.name
    ? { ...references, name: { ...(references.name as object), value: name } }
    : references;
}
