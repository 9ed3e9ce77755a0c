/**
 * GraphiQL's opening tabs must run as-is against the embedded simulator's demo data, in the order
 * a person clicks through them. They go over real HTTP like GraphiQL sends them (query text plus
 * the tab's JSON variables). Fast and browser-free, so it runs in the default suite; the browser
 * suite (*.browser.ts) checks that GraphiQL itself renders and runs the first tab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOperation, exampleTabs } from '../../src/graphiql.ts';
import { DEMO_INVITATIONS, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from '../integration/stack.ts';

const demo = { projectIds: DEMO_PROJECT_IDS, invitations: DEMO_INVITATIONS };
const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];

describe('GraphiQL’s example tabs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent' });
  });
  afterAll(() => stack.close());

  const runTab = async (index: number, tabs = exampleTabs(demo)) => {
    const tab = tabs[index]!;
    return stack.execute<Record<string, { __typename?: string } & Record<string, unknown>>>(
      tab.query!,
      tab.variables ? JSON.parse(tab.variables) : undefined,
    );
  };

  it('opens with the example operation, over the first two demo projects', () => {
    const [first] = exampleTabs(demo);
    expect(first?.query).toBe(exampleOperation(DEMO_PROJECT_IDS));
    expect(first?.query).toContain(`project(id: "${payments}")`);
    expect(first?.query).toContain(`projects(ids: ["${payments}", "${analytics}"])`);
  });

  it('runs every tab without errors, in order, each doing what its comment says', async () => {
    const example = await runTab(0);
    expect(example.errors).toBeUndefined();
    expect(JSON.stringify(example.data)).toContain('jane.smith@example.com');

    const byId = await runTab(1);
    expect(byId).toMatchObject({
      errors: undefined,
      data: { project: { invitation: { username: 'jane.smith@example.com' } } },
    });

    const update = await runTab(2);
    expect(update).toMatchObject({
      errors: undefined,
      data: {
        updateInvitationRoles: {
          __typename: 'InvitationRolesUpdated',
          invitation: { roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'] },
        },
      },
    });

    const create = await runTab(3);
    expect(create).toMatchObject({
      errors: undefined,
      data: { createInvitation: { __typename: 'InvitationCreated' } },
    });
    expect(await runTab(3)).toMatchObject({ data: { createInvitation: { __typename: 'AlreadyExistsError' } } });

    const remove = await runTab(4);
    expect(remove).toMatchObject({
      errors: undefined,
      data: { deleteInvitation: { __typename: 'InvitationDeleted' } },
    });
    expect(await runTab(4)).toMatchObject({ data: { deleteInvitation: { __typename: 'NotFoundError' } } });
  });

  it('without demo data, holds placeholders that the gateway refuses clearly (BAD_USER_INPUT)', async () => {
    const tabs = exampleTabs();
    expect(tabs).toHaveLength(5);
    for (const index of [0, 1, 4]) {
      const result = await runTab(index, tabs);
      expect(result.errors?.map((error) => error.extensions?.['code'])).toContain('BAD_USER_INPUT');
    }
  });
});
