/**
 * Prints the schema the code builds (sorted) to schema.graphql, or with --check
 * fails when the file differs from it. `npm run schema` / `npm run schema:check`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { printedSchema, SCHEMA_FILE } from '../src/schema/print.ts';

const check = process.argv.includes('--check');
if (check) {
  let onDisk = '';
  try {
    onDisk = readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    // a missing file differs like any other
  }
  if (onDisk !== printedSchema()) {
    console.error(`${SCHEMA_FILE} differs from the schema the code builds. Run: npm run schema`);
    process.exit(1);
  }
  console.log(`${SCHEMA_FILE} is up to date.`);
} else {
  writeFileSync(SCHEMA_FILE, printedSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
