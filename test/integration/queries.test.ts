import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ProjectInvitationDocument,
  ProjectInvitationsDocument,
  ProjectsInvitationsDocument,
} from 'ops-manager-invitations-client/documents';
import { DEMO_EXPIRED_INVITATION_ID, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { LIST_ROUTE, type Stack, startStack } from './stack.ts';

const [payments, analytics, internalTools] = DEMO_PROJECT_IDS as [string, string, string];
const MISSING_PROJECT = 'ffffffffffffffffffffffff';

describe('queries over HTTP against the simulator', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.simulator.store.reset();
    stack.simulator.counters.reset();
  });

  it('lists a project’s invitations exactly as Ops Manager has them', async () => {
    const { project } = await stack.request(ProjectInvitationsDocument, { projectId: payments });
    const upstream = stack.simulator.store.listInvitations(payments);
    expect(project.id).toBe(payments);
    expect(project.invitations).toEqual(
      upstream.map((invitation) => ({
        id: invitation.id,
        username: invitation.username,
        inviterUsername: invitation.inviterUsername,
        projectName: invitation.groupName,
        roles: invitation.roles,
        roleNames: invitation.roles,
        createdAt: invitation.createdAt,
        expiresAt: invitation.expiresAt,
        expired: false,
        project: { id: payments },
      })),
    );
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
  });

  it('flags expired invitations by the injected clock', async () => {
    const { project } = await stack.request(ProjectInvitationsDocument, { projectId: analytics });
    const flags = Object.fromEntries(project.invitations!.map((invitation) => [invitation.id, invitation.expired]));
    expect(flags[DEMO_EXPIRED_INVITATION_ID]).toBe(true);
    expect(Object.values(flags).filter(Boolean)).toHaveLength(1);
  });

  it('filters by username: the whole address, ignoring case and surrounding spaces', async () => {
    const found = await stack.request(ProjectInvitationsDocument, {
      projectId: internalTools,
      username: 'anna.kowalski@example.COM',
    });
    expect(found.project.invitations!.map((invitation) => invitation.username)).toEqual(['Anna.Kowalski@Example.com']);
    const spaced = await stack.request(ProjectInvitationsDocument, {
      projectId: internalTools,
      username: '  ANNA.KOWALSKI@example.com ',
    });
    expect(spaced.project.invitations).toHaveLength(1);
    const partial = await stack.request(ProjectInvitationsDocument, {
      projectId: internalTools,
      username: 'kowalski@example.com',
    });
    expect(partial.project.invitations).toEqual([]);
  });

  it('finds one invitation by id, and answers null for an id the project does not have', async () => {
    const [first] = stack.simulator.store.listInvitations(payments);
    const hit = await stack.request(ProjectInvitationDocument, { projectId: payments, invitationId: first!.id });
    expect(hit.project.invitation).toMatchObject({ id: first!.id, username: first!.username });
    const miss = await stack.request(ProjectInvitationDocument, {
      projectId: payments,
      invitationId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(miss.project.invitation).toBeNull();
  });

  it('returns projects in the order asked, duplicates included, with one call per distinct project', async () => {
    const { projects } = await stack.request(ProjectsInvitationsDocument, {
      projectIds: [internalTools, payments, internalTools],
    });
    expect(projects.map((project) => project.id)).toEqual([internalTools, payments, internalTools]);
    expect(projects[0]!.invitations).toEqual(projects[2]!.invitations);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });

  it('accepts ids in upper case and passes them on in lower case', async () => {
    const { project } = await stack.request(ProjectInvitationsDocument, { projectId: payments.toUpperCase() });
    expect(project.id).toBe(payments);
    expect(project.invitations!.length).toBeGreaterThan(0);
  });

  it('shows roles newer than the schema in roleNames, never failing the read', async () => {
    stack.simulator.store.addInvitation({
      groupId: payments,
      username: 'new.role@example.com',
      roles: ['GROUP_OWNER', 'GROUP_SEARCH_INDEX_EDITOR'],
    });
    stack.simulator.store.setExtraInvitationFields({ orgId: '5e8f8268d896f55ac04969ff', teamIds: [], links: [] });
    try {
      const { project } = await stack.request(ProjectInvitationsDocument, {
        projectId: payments,
        username: 'new.role@example.com',
      });
      expect(project.invitations).toEqual([
        expect.objectContaining({ roles: ['GROUP_OWNER'], roleNames: ['GROUP_OWNER', 'GROUP_SEARCH_INDEX_EDITOR'] }),
      ]);
    } finally {
      stack.simulator.store.setExtraInvitationFields(undefined);
    }
  });

  it('reports an unknown project as PROJECT_NOT_FOUND on its field, keeping the other projects (partial result)', async () => {
    const result = await stack.execute(ProjectsInvitationsDocument, {
      projectIds: [payments, MISSING_PROJECT, analytics],
    });
    expect(result.status).toBe(200);
    const projects = (result.data as { projects: Array<{ id: string; invitations: unknown[] | null }> }).projects;
    expect(projects.map((project) => project.invitations === null)).toEqual([false, true, false]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['projects', 1, 'invitations'],
        extensions: expect.objectContaining({ code: 'PROJECT_NOT_FOUND', upstreamErrorCode: 'GROUP_NOT_FOUND' }),
      }),
    ]);
  });

  it('refuses more than 100 project ids with BAD_USER_INPUT and no upstream call', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(24, '0'));
    const result = await stack.execute(ProjectsInvitationsDocument, { projectIds: ids });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('caps projects(ids:) at MAX_PROJECTS_PER_OPERATION, repeats counted, as configured', async () => {
    const capped = await startStack({ env: { MAX_PROJECTS_PER_OPERATION: '3' } });
    try {
      const three = await capped.execute(ProjectsInvitationsDocument, { projectIds: [payments, payments, payments] });
      expect(three.errors).toBeUndefined();
      const four = await capped.execute(ProjectsInvitationsDocument, {
        projectIds: [payments, payments, payments, payments],
      });
      expect(four.status).toBe(400);
      expect(four.errors?.[0]).toMatchObject({
        message: 'At most 3 project ids per call; got 4.',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    } finally {
      await capped.close();
    }
  });

  it.each([
    ['a short id', { projectId: '5e8f8268' }],
    ['a non-hex id', { projectId: 'zzzzzzzzzzzzzzzzzzzzzzzz' }],
    ['an id with a path in it', { projectId: '../../admin/5e8f8268d896' }],
    ['a number', { projectId: 42 }],
    ['a bad email', { projectId: payments, username: 'not-an-email' }],
    ['an email with two @', { projectId: payments, username: 'a@b@example.com' }],
  ])('rejects %s before any upstream call', async (_name, variables) => {
    const result = await stack.execute(ProjectInvitationsDocument, variables);
    expect(result.status).toBe(400);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('rejects a bad id written inline in the document, before any upstream call', async () => {
    const result = await stack.execute('{ project(id: "123") { invitations { id } } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/24 hexadecimal/);
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });
});
