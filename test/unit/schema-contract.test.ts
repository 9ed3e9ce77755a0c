import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkContract, CONTRACT_FILES, unreleasedBreakingEntries } from '../../scripts/schema-contract.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** A required argument added: breaking for every caller that leaves it out. */
const plantInSubgraph = (sdl: string) =>
  sdl.replace(
    '    username: OpsManagerEmailAddress\n  ): [OpsManagerInvitation!]',
    '    username: OpsManagerEmailAddress\n\n    first: Int!\n  ): [OpsManagerInvitation!]',
  );
/** A removed enum value: breaking for every client that sends or switches on it. */
const plantInSchema = (sdl: string) =>
  sdl.replace('  """Project User Admin: manage users and invitations of the project."""\n  GROUP_USER_ADMIN\n', '');

function contractOf(root: (path: string) => string) {
  return CONTRACT_FILES.map((file) => ({
    file,
    released: root(join('contracts', 'released', file)),
    current: root(file),
  }));
}

/** CHANGELOG.md with one more entry under Unreleased → Breaking changes. */
function withEntry(changelog: string, entry: string): string {
  return changelog.replace('### Breaking changes\n', `### Breaking changes\n\n${entry}\n`);
}

describe('the schema contract of this repository', () => {
  it('has exactly the breaking changes CHANGELOG.md records, all in subgraph.graphql', async () => {
    const report = await checkContract(contractOf(read), read('CHANGELOG.md'));
    // The namespace renamed every type and mutation of the subgraph (FEDERATION_NAMESPACE).
    expect(report.breaking.map(({ file, coordinate, recorded }) => `${file} ${coordinate} ${recorded}`)).toEqual([
      'subgraph.graphql AlreadyExistsError true',
      'subgraph.graphql CreateInvitationResult true',
      'subgraph.graphql DateTime true',
      'subgraph.graphql DeleteInvitationResult true',
      'subgraph.graphql EmailAddress true',
      'subgraph.graphql Error true',
      'subgraph.graphql ErrorCode true',
      'subgraph.graphql ForbiddenError true',
      'subgraph.graphql InvalidInputError true',
      'subgraph.graphql Invitation true',
      'subgraph.graphql InvitationCreated true',
      'subgraph.graphql InvitationDeleted true',
      'subgraph.graphql InvitationRolesUpdated true',
      'subgraph.graphql InvitationSelector true',
      'subgraph.graphql NotFoundError true',
      'subgraph.graphql ObjectID true',
      'subgraph.graphql OutcomeUnknownError true',
      'subgraph.graphql ProjectRole true',
      'subgraph.graphql UpdateInvitationRolesResult true',
      'subgraph.graphql UpstreamError true',
      'subgraph.graphql Mutation.updateInvitationRoles true',
      'subgraph.graphql Mutation.createInvitation true',
      'subgraph.graphql Mutation.deleteInvitation true',
      'subgraph.graphql Project.id true',
      'subgraph.graphql Project.invitations true',
      'subgraph.graphql Project.invitations.username true',
      'subgraph.graphql Project.invitation true',
      'subgraph.graphql Project.invitation.id true',
      'subgraph.graphql Query.project true',
      'subgraph.graphql Query.projects true',
    ]);
    expect(report.staleRecords).toEqual([]);
  });
});

describe('checkContract', () => {
  const changelog = read('CHANGELOG.md');

  it('finds a planted breaking change in each file, unrecorded', async () => {
    const planted = contractOf(read).map((entry) => ({
      ...entry,
      current: entry.file === 'subgraph.graphql' ? plantInSubgraph(entry.current) : plantInSchema(entry.current),
    }));
    const report = await checkContract(planted, changelog);
    expect(
      report.breaking.filter((change) => !change.recorded).map(({ file, coordinate }) => `${file} ${coordinate}`),
    ).toEqual(['schema.graphql ProjectRole.GROUP_USER_ADMIN', 'subgraph.graphql Project.invitations.first']);
  });

  it('counts an entry only under Unreleased → Breaking changes, naming the same file', async () => {
    const planted = contractOf(read).map((entry) =>
      entry.file === 'schema.graphql' ? { ...entry, current: plantInSchema(entry.current) } : entry,
    );
    const unrecorded = async (log: string) =>
      (await checkContract(planted, log)).breaking.filter((change) => !change.recorded).length;
    expect(
      await unrecorded(withEntry(changelog, '- `subgraph.graphql` `ProjectRole.GROUP_USER_ADMIN`: the wrong file.')),
    ).toBe(1);
    expect(
      await unrecorded(
        `${changelog}\n## 0.0.1\n\n### Breaking changes\n\n- \`schema.graphql\` \`ProjectRole.GROUP_USER_ADMIN\`: released long ago.\n`,
      ),
    ).toBe(1);
    expect(await unrecorded(withEntry(changelog, '- `schema.graphql` `ProjectRole.GROUP_USER_ADMIN`: removed.'))).toBe(
      0,
    );
  });

  it('treats dropping @key from the subgraph as breaking (_entities goes)', async () => {
    const planted = contractOf(read).map((entry) =>
      entry.file === 'subgraph.graphql'
        ? { ...entry, released: entry.current, current: entry.current.replace('@key(fields: "id")', '') }
        : { ...entry, released: entry.current },
    );
    const report = await checkContract(planted, changelog);
    expect(report.breaking.map(({ coordinate }) => coordinate)).toEqual(
      expect.arrayContaining(['Query._entities', '_Entity']),
    );
  });

  it('reads the entries of Unreleased → Breaking changes only', () => {
    const entries = unreleasedBreakingEntries(changelog);
    expect(entries).toHaveLength(30);
    expect(entries.every((entry) => entry.startsWith('- `subgraph.graphql`'))).toBe(true);
  });
});

describe('npm run schema:diff (scripts/schema-diff.ts) on a checkout with a planted breaking change', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  function schemaDiff(root: string) {
    return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'schema-diff.ts'), '--root', root], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  }

  it('fails while the change is unrecorded, and passes once CHANGELOG.md records it', () => {
    dir = mkdtempSync(join(tmpdir(), 'schema-diff-'));
    for (const path of ['schema.graphql', 'subgraph.graphql', 'CHANGELOG.md', 'contracts'])
      cpSync(join(ROOT, path), join(dir, path), { recursive: true });
    expect(schemaDiff(dir).status).toBe(0);

    writeFileSync(join(dir, 'subgraph.graphql'), plantInSubgraph(read('subgraph.graphql')));
    const failed = schemaDiff(dir);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('breaking  subgraph.graphql `Project.invitations.first`');
    expect(failed.stderr).toContain('- `subgraph.graphql` `Project.invitations.first`: why, and what consumers do.');

    writeFileSync(
      join(dir, 'CHANGELOG.md'),
      withEntry(read('CHANGELOG.md'), '- `subgraph.graphql` `Project.invitations.first`: new, required.'),
    );
    const passed = schemaDiff(dir);
    expect(passed.stderr).toBe('');
    expect(passed.status).toBe(0);
    expect(passed.stdout).toContain('31 breaking (0 not recorded)');
  });
});
