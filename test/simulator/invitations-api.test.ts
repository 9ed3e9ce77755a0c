import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_EXPIRED_INVITATION_ID,
  DEMO_INVITATIONS,
  DEMO_PROJECT_IDS,
  generatedInvitationId,
  generatedProjectId,
  generatedUsername,
  startSimulator,
  type Invitation,
  type Simulator,
} from '../../src/simulator/index.ts';
import { TestApiClient } from './client.ts';

const [payments, analytics, internalTools] = DEMO_PROJECT_IDS as [string, string, string];
const INVITATION_FIELDS = [
  'createdAt',
  'expiresAt',
  'groupId',
  'groupName',
  'id',
  'inviterUsername',
  'roles',
  'username',
];
// A fixed clock with milliseconds, to prove timestamps drop them.
const NOW = Date.UTC(2024, 0, 15, 12, 30, 45, 678);

let simulator: Simulator;
let api: TestApiClient;

beforeEach(async () => {
  simulator = await startSimulator({ now: () => NOW });
  api = new TestApiClient(simulator);
});
afterEach(() => simulator.close());

const invites = (groupId: string, rest = '') => `/groups/${groupId}/invites${rest}`;

describe('demo seed', () => {
  it('has three projects with 2-5 invitations each, exactly the invitation fields, one expired', async () => {
    expect(simulator.store.listProjects().map((project) => project.id)).toEqual(DEMO_PROJECT_IDS);
    let expired = 0;
    for (const groupId of DEMO_PROJECT_IDS) {
      const response = await api.get(invites(groupId));
      const list = response.json as Invitation[];
      expect(list.length).toBeGreaterThanOrEqual(2);
      expect(list.length).toBeLessThanOrEqual(5);
      for (const invitation of list) {
        expect(Object.keys(invitation).sort()).toEqual(INVITATION_FIELDS);
        expect(invitation.groupId).toBe(groupId);
        expect(invitation.id).toMatch(/^[0-9a-f]{24}$/);
        if (Date.parse(invitation.expiresAt) < NOW) expired += 1;
      }
    }
    expect(expired).toBe(1);
    expect(Date.parse(simulator.store.getInvitation(DEMO_EXPIRED_INVITATION_ID)!.expiresAt)).toBeLessThan(NOW);
  });

  it('is deterministic for a given clock', async () => {
    const twin = await startSimulator({ now: () => NOW });
    try {
      expect(twin.store.listInvitations(analytics)).toEqual(simulator.store.listInvitations(analytics));
    } finally {
      await twin.close();
    }
  });
});

describe('GET /groups/{groupId}/invites', () => {
  it('answers 200 with a bare JSON array of the project invitations', async () => {
    const response = await api.get(invites(payments));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(Array.isArray(response.json)).toBe(true);
    const list = response.json as Invitation[];
    expect(list.map((invitation) => invitation.id)).toEqual(
      DEMO_INVITATIONS.filter((invitation) => invitation.groupId === payments).map((invitation) => invitation.id),
    );
    expect(list[0]).toEqual({
      id: '6123a4b5c6d7e8f901a2b301',
      groupId: payments,
      groupName: 'Payments Production',
      username: 'jane.smith@example.com',
      inviterUsername: 'admin@example.com',
      roles: ['GROUP_OWNER'],
      createdAt: '2024-01-13T09:30:45Z',
      expiresAt: '2024-02-12T09:30:45Z',
    });
  });

  it('filters by username on the whole address, ignoring case', async () => {
    const exact = await api.get(invites(internalTools, '?username=anna.kowalski%40example.com'));
    expect((exact.json as Invitation[]).map((invitation) => invitation.username)).toEqual([
      'Anna.Kowalski@Example.com',
    ]);
    const upper = await api.get(invites(payments, '?username=JANE.SMITH@EXAMPLE.COM'));
    expect((upper.json as Invitation[]).map((invitation) => invitation.id)).toEqual(['6123a4b5c6d7e8f901a2b301']);
    expect((await api.get(invites(payments, '?username=jane'))).json).toEqual([]);
    expect((await api.get(invites(payments, '?username=jane.smith@example.co'))).json).toEqual([]);
  });

  it('answers an empty array for a project without invitations', async () => {
    const empty = simulator.store.addProject({ name: 'Empty' });
    expect((await api.get(invites(empty.id))).json).toEqual([]);
  });
});

describe('GET /groups/{groupId}/invites/{invitationId}', () => {
  it('answers 200 with one invitation', async () => {
    const response = await api.get(invites(analytics, `/${DEMO_EXPIRED_INVITATION_ID}`));
    expect(response.status).toBe(200);
    expect(response.json).toEqual(simulator.store.getInvitation(analytics, DEMO_EXPIRED_INVITATION_ID));
    expect(response.json).toMatchObject({ username: 'old.contractor@example.net', groupName: 'Analytics Staging' });
  });

  it('does not find an invitation through another project', async () => {
    const response = await api.get(invites(payments, `/${DEMO_EXPIRED_INVITATION_ID}`));
    expect(response.status).toBe(404);
  });
});

describe('POST /groups/{groupId}/invites', () => {
  it('answers 201 with a new invitation: fresh id, API key owner as inviter, expiry 30 days later', async () => {
    const response = await api.post(invites(payments), {
      roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'],
      username: 'new.person@example.com',
    });
    expect(response.status).toBe(201);
    const created = response.json as Invitation;
    expect(Object.keys(created).sort()).toEqual(INVITATION_FIELDS);
    expect(created).toMatchObject({
      groupId: payments,
      groupName: 'Payments Production',
      username: 'new.person@example.com',
      inviterUsername: 'api-key-owner@example.com',
      roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'],
      createdAt: '2024-01-15T12:30:45Z',
      expiresAt: '2024-02-14T12:30:45Z',
    });
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(30 * 24 * 3600 * 1000);
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(DEMO_INVITATIONS.map((invitation) => invitation.id)).not.toContain(created.id);
    expect(simulator.store.getInvitation(payments, created.id)).toEqual(created);
    expect(simulator.counters.snapshot().applied).toBe(1);
  });

  it('gives every new invitation a distinct id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const response = await api.post(invites(payments), {
        roles: ['GROUP_OWNER'],
        username: `person${i}@example.com`,
      });
      ids.add((response.json as Invitation).id);
    }
    expect(ids.size).toBe(5);
  });

  it('drops duplicate roles', async () => {
    const response = await api.post(invites(payments), {
      roles: ['GROUP_OWNER', 'GROUP_OWNER'],
      username: 'dup@example.com',
    });
    expect((response.json as Invitation).roles).toEqual(['GROUP_OWNER']);
  });

  it('accepts the trailing slash the docs write', async () => {
    const response = await api.post(invites(payments, '/'), { roles: ['GROUP_OWNER'], username: 'slash@example.com' });
    expect(response.status).toBe(201);
    expect(simulator.counters.snapshot().byRoute).toEqual({ 'POST /groups/{groupId}/invites': 1 });
  });
});

describe('PATCH /groups/{groupId}/invites/{invitationId}', () => {
  it('answers 200 and replaces all roles', async () => {
    const response = await api.patch(invites(payments, '/6123a4b5c6d7e8f901a2b303'), { roles: ['GROUP_READ_ONLY'] });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: '6123a4b5c6d7e8f901a2b303',
      roles: ['GROUP_READ_ONLY'],
      username: 'priya.patel@example.com',
    });
    expect(simulator.store.getInvitation('6123a4b5c6d7e8f901a2b303')!.roles).toEqual(['GROUP_READ_ONLY']);
    expect(simulator.counters.snapshot().applied).toBe(1);
  });
});

describe('PATCH /groups/{groupId}/invites (by username, Cloud Manager form)', () => {
  it('finds the invitation by username ignoring case and replaces its roles', async () => {
    const response = await api.patch(invites(internalTools), {
      roles: ['GROUP_OWNER', 'GROUP_USER_ADMIN'],
      username: 'ANNA.KOWALSKI@example.COM',
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: '6123a4b5c6d7e8f901a2b308',
      username: 'Anna.Kowalski@Example.com',
      roles: ['GROUP_OWNER', 'GROUP_USER_ADMIN'],
    });
    expect(simulator.store.getInvitation('6123a4b5c6d7e8f901a2b308')!.roles).toEqual([
      'GROUP_OWNER',
      'GROUP_USER_ADMIN',
    ]);
  });
});

describe('DELETE /groups/{groupId}/invites/{invitationId}', () => {
  it('answers 204 with an empty body and the invitation is gone', async () => {
    const response = await api.delete(invites(payments, '/6123a4b5c6d7e8f901a2b302'));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(simulator.store.getInvitation('6123a4b5c6d7e8f901a2b302')).toBeUndefined();
    expect((await api.get(invites(payments, '/6123a4b5c6d7e8f901a2b302'))).status).toBe(404);
    expect((await api.delete(invites(payments, '/6123a4b5c6d7e8f901a2b302'))).status).toBe(404);
    expect(simulator.counters.snapshot().applied).toBe(1);
  });
});

describe('pretty and envelope', () => {
  it('pretty-prints with pretty=true only', async () => {
    const pretty = await api.get(invites(payments, '?pretty=true'));
    expect(pretty.text).toContain('\n  {\n    "id": "6123a4b5c6d7e8f901a2b301"');
    const compact = await api.get(invites(payments));
    expect(compact.text).not.toContain('\n');
    expect(pretty.json).toEqual(compact.json);
  });

  it('wraps the body as {status, content} and answers HTTP 200', async () => {
    const list = await api.get(invites(payments, '?envelope=true'));
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ status: 200, content: simulator.store.listInvitations(payments) });

    const created = await api.post(invites(payments, '?envelope=true'), {
      roles: ['GROUP_OWNER'],
      username: 'env@example.com',
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ status: 201, content: { username: 'env@example.com' } });

    const deleted = await api.delete(invites(payments, '/6123a4b5c6d7e8f901a2b302?envelope=true'));
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ status: 204, content: {} });
  });

  it('envelopes errors too', async () => {
    const response = await api.get(invites('111111111111111111111111', '?envelope=true&pretty=true'));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ status: 404, content: { error: 404, errorCode: 'GROUP_NOT_FOUND' } });
    expect(response.text).toContain('\n');
  });
});

describe('tolerance fixtures', () => {
  it('serves an invitation seeded with a role the API itself refuses', async () => {
    const seeded = simulator.store.addInvitation({
      groupId: payments,
      username: 'search@example.com',
      roles: ['GROUP_OWNER', 'GROUP_SEARCH_INDEX_EDITOR'],
    });
    const response = await api.get(invites(payments, `/${seeded.id}`));
    expect((response.json as Invitation).roles).toEqual(['GROUP_OWNER', 'GROUP_SEARCH_INDEX_EDITOR']);
  });

  it('adds extra unknown fields to every invitation when asked, and removes them again', async () => {
    simulator.store.setExtraInvitationFields({ orgId: '5e8f8268d896f55ac04969ff', teamIds: [] });
    const [first] = (await api.get(invites(payments))).json as Array<Record<string, unknown>>;
    expect(first).toMatchObject({ orgId: '5e8f8268d896f55ac04969ff', teamIds: [] });
    simulator.store.setExtraInvitationFields(undefined);
    const [again] = (await api.get(invites(payments))).json as Array<Record<string, unknown>>;
    expect(Object.keys(again!).sort()).toEqual(INVITATION_FIELDS);
  });

  it('takes extra fields as a start option and per invitation', async () => {
    const extra = await startSimulator({ extraInvitationFields: { links: [] }, seed: 'empty' });
    try {
      const project = extra.store.addProject({ name: 'P' });
      const invitation = extra.store.addInvitation({
        groupId: project.id,
        username: 'a@example.com',
        roles: ['GROUP_OWNER'],
        extraFields: { teamIds: ['1'] },
      });
      expect(invitation).toMatchObject({ links: [], teamIds: ['1'] });
    } finally {
      await extra.close();
    }
  });
});

describe('generated seed', () => {
  it('creates addressable, deterministic projects and invitations', async () => {
    const generated = await startSimulator({ seed: { projects: 4, invitationsPerProject: 3 }, now: () => NOW });
    try {
      const client = new TestApiClient(generated);
      expect(generated.store.listProjects().map((project) => project.id)).toEqual([0, 1, 2, 3].map(generatedProjectId));
      expect(generatedProjectId(3)).toMatch(/^[0-9a-f]{24}$/);
      expect(generatedInvitationId(3, 2)).toMatch(/^[0-9a-f]{24}$/);
      const response = await client.get(invites(generatedProjectId(3), `/${generatedInvitationId(3, 2)}`));
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ username: generatedUsername(3, 2), groupId: generatedProjectId(3) });
      const list = (await client.get(invites(generatedProjectId(1)))).json as Invitation[];
      expect(list.map((invitation) => invitation.id)).toEqual([0, 1, 2].map((j) => generatedInvitationId(1, j)));
    } finally {
      await generated.close();
    }
  });

  it('keeps generated ids distinct across many projects', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 300; i += 1) {
      ids.add(generatedProjectId(i));
      for (let j = 0; j < 20; j += 1) ids.add(generatedInvitationId(i, j));
    }
    expect(ids.size).toBe(300 * 21);
  });
});
