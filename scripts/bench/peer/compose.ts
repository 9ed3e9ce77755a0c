/**
 * Composes the peer's supergraph (mesh.config.ts: one OpenAPI source) with the
 * @graphql-mesh/compose-cli CLI, as a team would in its build, against the upstream URL of this run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes the supergraph to `outFile`; resolves with how long composing took, in ms. `peerRoot`: scripts/bench/peer, installed. */
export async function composePeerSupergraph(
  peerRoot: string,
  upstreamBaseUrl: string,
  outFile: string,
): Promise<number> {
  const started = performance.now();
  await run(
    process.execPath,
    ['node_modules/@graphql-mesh/compose-cli/esm/bin.js', '-c', 'mesh.config.ts', '-o', outFile],
    {
      cwd: peerRoot,
      env: { ...process.env, PEER_UPSTREAM_URL: upstreamBaseUrl },
      timeout: 120_000,
    },
  );
  return Math.round(performance.now() - started);
}
