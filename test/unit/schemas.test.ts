import { describe, expect, it } from 'vitest';
import { InvitationListBodySchema, toInvitation } from '../../src/ops-manager/schemas.ts';
import { isProjectRole, sameUsername } from '../../src/invitation.ts';
import { fixture } from '../fixtures.ts';

describe('upstream invitation bodies', () => {
  it('reads the real recorded list (a bare array) into invitations', () => {
    const [invitation] = InvitationListBodySchema.parse(fixture('atlas-v2-real-list-200')).map(toInvitation);
    expect(invitation).toEqual({
      id: '6a793fd52c88faeba59bd5d0',
      projectId: '6a793fd0c0eb9e7a177181d4',
      projectName: 'invitations-e2e-233',
      username: 'test-738@mongodb.com',
      inviterUsername: 'nmtxqlkl',
      roleNames: ['GROUP_READ_ONLY'],
      createdAt: new Date('2026-08-10T03:04:53Z'),
      expiresAt: new Date('2026-09-09T03:04:53Z'),
    });
  });

  it('allows unknown extra fields (teamIds) and unknown roles (ORG_OWNER) from the official client’s test data', () => {
    const list = InvitationListBodySchema.parse(fixture('opsmngr-client-test-list')).map(toInvitation);
    expect(list).toHaveLength(2);
    expect(list[1]).not.toHaveProperty('teamIds');
    expect(list[0]!.roleNames).toEqual(['ORG_OWNER']);
    expect(isProjectRole('ORG_OWNER')).toBe(false);
    expect(isProjectRole('GROUP_OWNER')).toBe(true);
  });

  it('tolerates missing cosmetic fields but not missing essentials', () => {
    const base = {
      id: 'a'.repeat(24),
      groupId: 'b'.repeat(24),
      username: 'x@example.com',
      roles: [],
      createdAt: '2021-02-18T18:51:46Z',
      expiresAt: '2021-03-20T18:51:46Z',
    };
    expect(toInvitation(InvitationListBodySchema.parse([base])[0]!)).toMatchObject({
      projectName: null,
      inviterUsername: null,
    });
    const { username: _dropped, ...withoutUsername } = base;
    expect(InvitationListBodySchema.safeParse([withoutUsername]).success).toBe(false);
    expect(InvitationListBodySchema.safeParse({ results: [base] }).success).toBe(false);
    expect(InvitationListBodySchema.safeParse([{ ...base, createdAt: 'yesterday' }]).success).toBe(false);
  });
});

describe('sameUsername, the one username match of every path', () => {
  it.each([
    ['jane.smith@example.com', 'jane.smith@example.com', true],
    ['Jane.Smith@Example.COM', 'jane.smith@example.com', true],
    [' jane.smith@example.com ', 'jane.smith@example.com', true],
    ['jane.smith@example.com', 'jane.smith@example.co', false],
    ['jane.smith@example.com', 'smith@example.com', false],
    ['jane+1@example.com', 'jane@example.com', false],
  ])('%s vs %s → %s', (a, b, same) => expect(sameUsername(a, b)).toBe(same));
});
