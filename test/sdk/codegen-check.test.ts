/**
 * `npm run codegen:check` guards what the client package is built on (typed documents with
 * their trusted document ids, the persisted-documents manifest, Apollo's possibleTypes, the
 * shipped schema.graphql): it must pass on the checked-in files and fail, naming each stale
 * file, when an operation or the schema changes without `npm run codegen`.
 * Each case runs the real CLI on a temporary copy of its inputs and outputs, so the repository
 * is never touched; the three run at once to keep the test fast.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CODEGEN_BIN = join(ROOT, 'node_modules/@graphql-codegen/cli/esm/bin.js');
const GENERATED = 'packages/client/src/generated';
const SHIPPED_SCHEMA = 'packages/client/schema.graphql';
const run = promisify(execFile);
const copies: string[] = [];

/** A copy of what codegen reads and writes, after `edit`, and the result of `--check` there. */
async function checkCopy(edit: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'codegen-check-'));
  copies.push(dir);
  for (const path of [
    'codegen.ts',
    'schema.graphql',
    'operations',
    GENERATED,
    SHIPPED_SCHEMA,
    'packages/client/src/scalars.ts',
  ]) {
    await cp(join(ROOT, path), join(dir, path), { recursive: true });
  }
  // codegen resolves its preset and plugins from the working directory.
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await edit(dir);
  const before = await readFile(join(dir, GENERATED, 'graphql.ts'), 'utf8');
  const outcome = await run(process.execPath, [CODEGEN_BIN, '--config', 'codegen.ts', '--check'], {
    cwd: dir,
    env: { ...process.env, CI: 'true' },
  }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      exitCode: error.code ?? -1,
      output: `${error.stdout}${error.stderr}`,
    }),
  );
  const after = await readFile(join(dir, GENERATED, 'graphql.ts'), 'utf8');
  return { ...outcome, rewroteOutput: before !== after };
}

async function replaceIn(file: string, search: string, replacement: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  expect(text).toContain(search);
  await writeFile(file, text.replace(search, replacement));
}

describe('codegen --check', () => {
  afterAll(() => Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('passes on the checked-in documents and fails, naming the stale files, after an operation or schema change', async () => {
    const [fresh, operationChanged, schemaChanged] = await Promise.all([
      checkCopy(async () => {}),
      // An operation selects one field fewer: the generated result types are now wrong.
      checkCopy((dir) => replaceIn(join(dir, 'operations/invitations.graphql'), '  inviterUsername\n', '')),
      // Only a description changes: the generated doc comments are stale all the same.
      checkCopy((dir) =>
        replaceIn(join(dir, 'schema.graphql'), 'Stable codes of expected failures.', 'Codes of expected failures.'),
      ),
    ]);
    expect(fresh).toMatchObject({ exitCode: 0, rewroteOutput: false });
    for (const stale of [operationChanged, schemaChanged]) {
      expect(stale.exitCode).toBe(1);
      expect(stale.output).toContain('stale files were detected');
      expect(stale.output).toContain(`${GENERATED}/graphql.ts`);
      expect(stale.rewroteOutput).toBe(false);
    }
    // One field fewer changes the documents' text, so their ids and the manifest.
    expect(operationChanged.output).toContain(`${GENERATED}/persisted-documents.json`);
    expect(operationChanged.output).not.toContain(SHIPPED_SCHEMA);
    // A schema change reaches the shipped schema; the union members (possibleTypes) did not change.
    expect(schemaChanged.output).toContain(SHIPPED_SCHEMA);
    expect(schemaChanged.output).not.toContain('possible-types.ts');
  }, 60_000);
});
