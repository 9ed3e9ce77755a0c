import { fileURLToPath } from 'node:url';
import { printedSubgraphSchema } from '../../src/schema/print.ts';
import { PROJECTS_SHAPE, type CompanyShape } from './company-shapes.ts';
import { COMPOSERS, type SubgraphInput } from './composers.ts';

/** The pinned supergraph: our subgraph composed with company shape (a), the projects service. */
export const SUPERGRAPH_FILE = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

/** Our subgraph's name in every supergraph here. */
export const OURS = 'invitations';

/**
 * The URLs the pinned file names: ours as main.ts serves it by default (PORT 4000,
 * FEDERATION_SUBGRAPH on), and the company's subgraphs beside it on 4001, 4002, …
 * Tests that run a router compose again with the ports they got.
 */
export const PINNED_URL = 'http://127.0.0.1:4000/subgraph';

/** Our subgraph and a company shape's subgraphs, each with a URL (by name, or pinned). */
export function supergraphInputs(
  company: CompanyShape,
  urls: Record<string, string> = {},
  oursSdl: string = printedSubgraphSchema(),
): SubgraphInput[] {
  return [
    { name: OURS, url: urls[OURS] ?? PINNED_URL, sdl: oursSdl },
    ...company.subgraphs.map(({ name, sdl }, i) => ({
      name,
      sdl,
      url: urls[name] ?? `http://127.0.0.1:${4001 + i}/graphql`,
    })),
  ];
}

/**
 * Composes with @theguild/federation-composition, as Hive Gateway does (our subgraph.graphql,
 * or `oursSdl`); throws with every error when it fails.
 */
export function composeSupergraph(
  company: CompanyShape = PROJECTS_SHAPE,
  urls: Record<string, string> = {},
  oursSdl?: string,
): string {
  const result = COMPOSERS.guild(supergraphInputs(company, urls, oursSdl));
  if (!result.supergraphSdl) throw new Error(`composition failed:\n${result.errors.join('\n')}`);
  return result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`;
}
