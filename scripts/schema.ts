/**
 * Prints the schemas the code builds to schema.graphql (the plain API) and subgraph.graphql
 * (the federation subgraph), or with --check fails when a file differs from its schema.
 * `npm run schema` / `npm run schema:check`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SCHEMA_FILES } from '../src/schema/print.ts';

const check = process.argv.includes('--check');
let stale = 0;
for (const { file, print } of SCHEMA_FILES) {
  if (!check) {
    writeFileSync(file, print());
    console.log(`wrote ${file}`);
    continue;
  }
  let onDisk = '';
  try {
    onDisk = readFileSync(file, 'utf8');
  } catch {
    // a missing file differs like any other
  }
  if (onDisk === print()) {
    console.log(`${file} is up to date.`);
  } else {
    console.error(`${file} differs from the schema the code builds. Run: npm run schema`);
    stale += 1;
  }
}
if (stale > 0) process.exit(1);
