import { fileURLToPath } from 'node:url';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { printedSubgraphSchema } from '../../src/schema/print.ts';
import { COMPANY_SUBGRAPH_SDL } from './company-subgraph.ts';

/** The pinned supergraph: our subgraph composed with the company example. */
export const SUPERGRAPH_FILE = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

export interface SubgraphUrls {
  invitations: string;
  company: string;
}

/**
 * The URLs the pinned file names: ours as main.ts serves it by default (PORT 4000,
 * FEDERATION_SUBGRAPH on), and an imaginary company service beside it. Tests that run a
 * router compose again with the ports they got.
 */
export const PINNED_URLS: SubgraphUrls = {
  invitations: 'http://127.0.0.1:4000/subgraph',
  company: 'http://127.0.0.1:4001/graphql',
};

/** Composes with @theguild/federation-composition; throws with every error when it fails. */
export function composeSupergraph(urls: SubgraphUrls = PINNED_URLS): string {
  const result = composeServices([
    { name: 'invitations', url: urls.invitations, typeDefs: parse(printedSubgraphSchema()) },
    { name: 'company', url: urls.company, typeDefs: parse(COMPANY_SUBGRAPH_SDL) },
  ]);
  if (compositionHasErrors(result)) {
    throw new AggregateError(result.errors, `composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  }
  return result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`;
}
