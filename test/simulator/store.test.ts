import { describe, expect, it } from 'vitest';
import { OpsManagerError } from '../../src/simulator/errors.ts';
import { isoSeconds, SimulatorStore } from '../../src/simulator/store.ts';

const NOW = Date.UTC(2024, 5, 1, 8, 0, 0, 999);
const emptyStore = () => new SimulatorStore({ now: () => NOW, seed: 'empty' });

function thrownCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof OpsManagerError) return error.errorCode;
    throw error;
  }
  return undefined;
}

describe('SimulatorStore', () => {
  it('writes timestamps in UTC with Z and without milliseconds', () => {
    expect(isoSeconds(NOW)).toBe('2024-06-01T08:00:00Z');
  });

  it('finds an invitation by id alone or by project and id, never through another project', () => {
    const store = emptyStore();
    const a = store.addProject({ name: 'A' });
    const b = store.addProject({ name: 'B' });
    const invitation = store.addInvitation({ groupId: a.id, username: 'x@example.com', roles: ['GROUP_OWNER'] });
    expect(store.getInvitation(invitation.id)).toEqual(invitation);
    expect(store.getInvitation(a.id, invitation.id)).toEqual(invitation);
    expect(store.getInvitation(b.id, invitation.id)).toBeUndefined();
    expect(thrownCode(() => store.requireInvitation(b.id, invitation.id))).toBe('RESOURCE_NOT_FOUND');
  });

  it('seeds explicit timestamps and derives expiresAt from createdAt', () => {
    const store = emptyStore();
    const project = store.addProject({ id: 'AAAAAAAAAAAAAAAAAAAAAAAA', name: 'Upper' });
    expect(project.id).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    const invitation = store.addInvitation({
      groupId: project.id,
      username: 'x@example.com',
      roles: [],
      createdAt: '2021-02-18T18:51:46Z',
    });
    expect(invitation).toMatchObject({
      createdAt: '2021-02-18T18:51:46Z',
      expiresAt: '2021-03-20T18:51:46Z',
      groupName: 'Upper',
    });
  });

  it('refuses seeding mistakes loudly (they are test bugs, not API errors)', () => {
    const store = emptyStore();
    expect(() => store.addProject({ id: 'short', name: 'x' })).toThrow(/24 hex/);
    expect(() =>
      store.addInvitation({ groupId: '000000000000000000000000', username: 'x@example.com', roles: [] }),
    ).toThrow(/no project/);
  });

  it('checks the project id format before existence', () => {
    const store = emptyStore();
    expect(thrownCode(() => store.requireProject('xyz'))).toBe('INVALID_GROUP_ID');
    expect(thrownCode(() => store.requireProject('000000000000000000000000'))).toBe('GROUP_NOT_FOUND');
  });

  it('reset() restores the seed and clears role denials', () => {
    const store = new SimulatorStore({ now: () => NOW, seed: { projects: 1, invitationsPerProject: 2 } });
    const [project] = store.listProjects();
    store.denyUserAdmin(project!.id);
    store.removeInvitation(store.listInvitations(project!.id)[0]!.id);
    store.reset();
    expect(store.listInvitations(project!.id)).toHaveLength(2);
    expect(thrownCode(() => store.requireUserAdmin(project!.id, 'any'))).toBeUndefined();
  });
});
