/**
 * GraphQL Mesh composition of the peer: one OpenAPI source (@omnigraph/openapi) for the Ops
 * Manager invitations API, composed by @graphql-mesh/compose-cli into a supergraph that Hive
 * Gateway serves. The endpoint is the simulator the benchmark started (PEER_UPSTREAM_URL, the
 * .../api/public/v1.0 base URL), so the composed file is written per run (compose.ts).
 */
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const endpoint = process.env['PEER_UPSTREAM_URL'];
if (!endpoint) throw new Error('PEER_UPSTREAM_URL (the upstream base URL ending in /api/public/v1.0) is required');

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('OpsManager', {
        source: new URL('./ops-manager-invitations.openapi.yaml', import.meta.url).pathname,
        endpoint,
      }),
    },
  ],
});
