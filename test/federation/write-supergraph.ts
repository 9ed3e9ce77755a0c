/**
 * Rewrites test/federation/supergraph.graphql, the supergraph the composition test pins (our
 * subgraph with company shape (a)): `npm run supergraph` (after `npm run schema`).
 */
import { writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from './supergraph.ts';

writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
console.log(`wrote ${SUPERGRAPH_FILE}`);
