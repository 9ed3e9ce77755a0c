import { composeServices as composeWithApollo } from '@apollo/composition';
import { composeServices as composeWithGuild, compositionHasErrors } from '@theguild/federation-composition';
import { parse, printSchema } from 'graphql';

/** A subgraph as both composers take it. */
export interface SubgraphInput {
  name: string;
  url: string;
  sdl: string;
}

/** What one composer made of a set of subgraphs, reduced to what the tests compare. */
export interface Composition {
  /** Error messages; empty when it composed. */
  errors: string[];
  /** Apollo's hints as `CODE: message`; the Guild's composer reports none. */
  hints: string[];
  /** The supergraph SDL (join directives), when it composed. */
  supergraphSdl?: string;
  /** The API schema clients see, when it composed. */
  apiSdl?: string;
}

export type Composer = (subgraphs: readonly SubgraphInput[]) => Composition;

/**
 * The two composition libraries a company is likely to run: `@theguild/federation-composition`
 * (Hive, Hive Gateway, GraphQL Mesh) and `@apollo/composition` (rover, GraphOS, Apollo Router).
 */
export const COMPOSERS: Record<'guild' | 'apollo', Composer> = {
  guild(subgraphs) {
    const result = composeWithGuild(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
    if (compositionHasErrors(result)) return { errors: result.errors.map((error) => error.message), hints: [] };
    return { errors: [], hints: [], supergraphSdl: result.supergraphSdl, apiSdl: result.publicSdl };
  },
  apollo(subgraphs) {
    const result = composeWithApollo(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
    if (result.errors) return { errors: result.errors.map((error) => error.message), hints: [] };
    return {
      errors: [],
      hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`),
      supergraphSdl: result.supergraphSdl,
      apiSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
    };
  },
};
