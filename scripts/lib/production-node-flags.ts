import { readFileSync } from 'node:fs';

/**
 * The flags production gives node, read from the Dockerfile (the systemd unit and the Kubernetes
 * Deployment carry the same, which a unit test checks): the heap caps of its NODE_OPTIONS and the
 * flags of its CMD before the script. The end-to-end tests, the scale test and the benchmark's
 * memory phase start the production build with them, so that they run it as production does.
 */
export function productionNodeFlags(root: URL): string[] {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
  const nodeOptions = /^ENV NODE_OPTIONS="([^"]+)"$/m.exec(dockerfile)?.[1];
  const command = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  if (nodeOptions === undefined || command === undefined)
    throw new Error('the Dockerfile has no NODE_OPTIONS or no CMD');
  const [node, ...args] = JSON.parse(command) as string[];
  if (node !== 'node' || args.at(-1) !== 'dist/main.js') throw new Error(`unexpected CMD ${command}`);
  return [...nodeOptions.split(/\s+/), ...args.slice(0, -1)];
}
