/**
 * `npm run schema:diff`: compares schema.graphql and subgraph.graphql with their released
 * copies in contracts/released/ and fails on a breaking change CHANGELOG.md does not record
 * (the format: scripts/schema-contract.ts). `--root DIR` checks another checkout (the tests
 * plant breaking changes in a temporary one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContract, CONTRACT_FILES } from './schema-contract.ts';

const rootFlag = process.argv.indexOf('--root');
const root = rootFlag >= 0 ? process.argv[rootFlag + 1]! : fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const report = await checkContract(
  CONTRACT_FILES.map((file) => ({ file, released: read(join('contracts', 'released', file)), current: read(file) })),
  read('CHANGELOG.md'),
);

for (const change of report.breaking) {
  const mark = change.recorded ? 'recorded in CHANGELOG.md' : 'NOT RECORDED';
  console.log(`breaking  ${change.file} \`${change.coordinate}\`: ${change.message} (${mark})`);
}
for (const line of report.dangerous) console.log(`dangerous ${line}`);
for (const entry of report.staleRecords)
  console.log(`note: this Unreleased breaking entry names no breaking change: ${entry}`);
console.log(
  `${report.breaking.length} breaking (${report.breaking.filter((c) => !c.recorded).length} not recorded), ${report.dangerous.length} dangerous, ${report.safe} safe changes since the released schemas.`,
);

const unrecorded = report.breaking.filter((change) => !change.recorded);
if (unrecorded.length > 0) {
  console.error(
    'Breaking changes must be recorded in CHANGELOG.md, under "## Unreleased" / "### Breaking changes", one list item each ' +
      'naming the file and the coordinate in backticks, e.g.:\n' +
      unrecorded
        .map((change) => `- \`${change.file}\` \`${change.coordinate}\`: why, and what consumers do.`)
        .join('\n'),
  );
  process.exit(1);
}
