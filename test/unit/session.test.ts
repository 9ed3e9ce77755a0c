import { describe, expect, it } from 'vitest';
import { ErrorCode, NotFoundError } from '../../src/errors/index.ts';
import type { CallContext, OpsManagerClient } from '../../src/ops-manager/client.ts';
import type { Invitation } from '../../src/invitation.ts';
import { UpstreamSession } from '../../src/ops-manager/session.ts';

/** A client that records its calls; changes fail when `fail` is set. */
function recordingClient(fail = false) {
  const calls: Array<[string, string, CallContext]> = [];
  const invitation = { id: 'i1' } as Invitation;
  const change = async (name: string, projectId: string, options: CallContext) => {
    calls.push([name, projectId, options]);
    if (fail) throw new NotFoundError(ErrorCode.INVITATION_NOT_FOUND, 'gone');
    return invitation;
  };
  const client = {
    observer: {},
    listInvitations: async (projectId: string, options: CallContext) => (
      calls.push(['list', projectId, options]), [invitation]
    ),
    createInvitation: (projectId: string, _input: unknown, options: CallContext) =>
      change('create', projectId, options),
    updateInvitationRoles: (projectId: string, _id: string, _roles: unknown, options: CallContext) =>
      change('patch-by-id', projectId, options),
    updateInvitationRolesByUsername: (projectId: string, _username: string, _roles: unknown, options: CallContext) =>
      change('patch-by-username', projectId, options),
    deleteInvitation: async (projectId: string, _id: string, options: CallContext) =>
      void (await change('delete', projectId, options)),
  };
  return { client: client as unknown as OpsManagerClient, calls };
}

describe('UpstreamSession', () => {
  const call: CallContext = { signal: new AbortController().signal, deadlineAt: 42, requestId: 'r1' };

  it('reads each project once per operation, and passes the operation’s signal, deadline and request id to every call', async () => {
    const { client, calls } = recordingClient();
    const session = new UpstreamSession(client, call);
    await Promise.all([session.invitations('p1'), session.invitations('p1'), session.invitations('p2')]);
    await session.updateInvitationRoles('p1', { username: 'a@b.c' }, ['GROUP_OWNER']);
    expect(calls.map(([name, project]) => [name, project])).toEqual([
      ['list', 'p1'],
      ['list', 'p2'],
      ['patch-by-username', 'p1'],
    ]);
    const [list1, list2, change] = calls.map(([, , options]) => options);
    expect(list1).toBe(call);
    expect(list2).toBe(call);
    // A change gets the same options, and a hook for the status of its answer (the audit line).
    expect(change).toEqual({ ...call, onAnswer: expect.any(Function) });
  });

  it('drops the project from the operation’s cache after a change, whether it succeeded or failed', async () => {
    for (const fail of [false, true]) {
      const { client, calls } = recordingClient(fail);
      const session = new UpstreamSession(client, call);
      await session.invitations('p1');
      await session.invitations('p2');
      const changes = [
        session.createInvitation('p1', { username: 'a@b.c', roles: ['GROUP_OWNER'] }),
        session.updateInvitationRoles('p1', { id: 'i1' }, ['GROUP_OWNER']),
        session.deleteInvitation('p1', 'i1'),
      ];
      const outcomes = await Promise.allSettled(changes);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(
        fail ? ['rejected', 'rejected', 'rejected'] : ['fulfilled', 'fulfilled', 'fulfilled'],
      );
      await session.invitations('p1');
      await session.invitations('p2');
      // p1 read again after its changes; p2 still from the cache.
      expect(calls.filter(([name]) => name === 'list').map(([, project]) => project)).toEqual(['p1', 'p2', 'p1']);
    }
  });
});
