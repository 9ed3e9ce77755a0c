import { describe, expect, it } from 'vitest';
import { compare } from '../../src/changes/read-back.ts';
import type { Invitation } from '../../src/invitation.ts';

const invitation = (id: string, username: string, roleNames: string[]) =>
  ({ id, username, roleNames }) as unknown as Invitation;
const project = [
  invitation('i1', 'Ann@example.com', ['GROUP_OWNER', 'GROUP_READ_ONLY']),
  invitation('i2', 'bob@example.com', ['GROUP_READ_ONLY']),
];

describe('compare: what a read after a lost answer shows', () => {
  it('create: no invitation for the address → not applied; the roles asked (as a set, any case of address) → applied; other roles → concurrent', () => {
    expect(compare(project, { kind: 'invited', username: 'carl@example.com', roles: ['GROUP_OWNER'] })).toEqual({
      state: 'not-applied',
      invitation: null,
    });
    expect(
      compare(project, { kind: 'invited', username: 'ann@EXAMPLE.com', roles: ['GROUP_READ_ONLY', 'GROUP_OWNER'] }),
    ).toEqual({ state: 'applied', invitation: project[0] });
    expect(compare(project, { kind: 'invited', username: 'bob@example.com', roles: ['GROUP_OWNER'] })).toEqual({
      state: 'concurrent',
      invitation: project[1],
    });
  });

  it('update: the roles asked → applied; other roles, or no invitation → not applied (its previous roles are not known, so never concurrent)', () => {
    expect(compare(project, { kind: 'roles', invitationId: 'i2', roles: ['GROUP_READ_ONLY'] })).toEqual({
      state: 'applied',
      invitation: project[1],
    });
    expect(compare(project, { kind: 'roles', username: 'ANN@example.com', roles: ['GROUP_OWNER'] })).toEqual({
      state: 'not-applied',
      invitation: project[0],
    });
    expect(compare(project, { kind: 'roles', invitationId: 'i9', roles: ['GROUP_OWNER'] })).toEqual({
      state: 'not-applied',
      invitation: null,
    });
  });

  it('delete: gone → applied; still there → not applied', () => {
    expect(compare(project, { kind: 'gone', invitationId: 'i9' })).toEqual({ state: 'applied', invitation: null });
    expect(compare(project, { kind: 'gone', invitationId: 'i1' })).toEqual({
      state: 'not-applied',
      invitation: project[0],
    });
  });
});
