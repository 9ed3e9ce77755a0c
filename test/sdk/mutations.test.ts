/**
 * The SDK's mutations against the whole stack over real HTTP: results are the typed unions a
 * frontend switches on, and every effect is read back through the SDK itself.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CreateInvitationResult,
  createInvitationsClient,
  type InvitationsClient,
  InvitationsRequestError,
  type MutationError,
} from 'ops-manager-invitations-client';
import { DEMO_INVITATIONS, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from '../integration/stack.ts';

const [, , internalTools] = DEMO_PROJECT_IDS as [string, string, string];
const [onCall, anna] = DEMO_INVITATIONS.filter((invitation) => invitation.groupId === internalTools) as [
  (typeof DEMO_INVITATIONS)[number],
  (typeof DEMO_INVITATIONS)[number],
];

/** What a frontend writes: an exhaustive switch; adding a union member breaks this at compile time. */
function describeCreate(result: CreateInvitationResult): string {
  switch (result.__typename) {
    case 'InvitationCreated':
      return `created ${result.invitation.username}`;
    case 'AlreadyExistsError':
    case 'ConcurrentChangeError':
    case 'ForbiddenError':
    case 'InvalidInputError':
    case 'NotFoundError':
    case 'OutcomeUnknownError':
    case 'UpstreamError':
      return `${result.code}: ${result.message}`;
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

describe('SDK mutations', () => {
  let stack: Stack;
  let client: InvitationsClient;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent' });
    client = createInvitationsClient({ url: stack.url });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.store.reset());

  it('creates an invitation, then answers the typed AlreadyExistsError for the same username', async () => {
    const created = await client.createInvitation(internalTools, 'new.person@example.com', ['GROUP_READ_ONLY']);
    expect(describeCreate(created)).toBe('created new.person@example.com');
    if (created.__typename !== 'InvitationCreated') throw new Error(created.__typename);
    expect(created.invitation).toMatchObject({ roles: ['GROUP_READ_ONLY'], project: { id: internalTools } });

    const again = await client.createInvitation(internalTools, 'NEW.person@example.com', ['GROUP_OWNER']);
    expect(again).toMatchObject({ __typename: 'AlreadyExistsError', code: 'INVITATION_ALREADY_EXISTS' });
    expect(describeCreate(again)).toMatch(/^INVITATION_ALREADY_EXISTS: /);
    const listed = await client.listInvitations(internalTools, { username: 'new.person@example.com' });
    expect(listed.map((invitation) => invitation.id)).toEqual([created.invitation.id]);
  });

  it('replaces roles by username and by id', async () => {
    const byUsername = await client.updateInvitationRoles(internalTools, { username: onCall.username.toUpperCase() }, [
      'GROUP_READ_ONLY',
      'GROUP_BACKUP_ADMIN',
    ]);
    expect(byUsername).toMatchObject({
      __typename: 'InvitationRolesUpdated',
      invitation: { id: onCall.id, roles: ['GROUP_READ_ONLY', 'GROUP_BACKUP_ADMIN'] },
    });
    const byId = await client.updateInvitationRoles(internalTools, { id: anna.id }, ['GROUP_OWNER']);
    expect(byId).toMatchObject({
      __typename: 'InvitationRolesUpdated',
      invitation: { username: anna.username, roles: ['GROUP_OWNER'] },
    });
    expect((await client.getInvitation(internalTools, onCall.id))?.roles).toEqual([
      'GROUP_READ_ONLY',
      'GROUP_BACKUP_ADMIN',
    ]);
  });

  it('answers typed errors, with their extra fields, instead of throwing', async () => {
    const missing = await client.updateInvitationRoles(internalTools, { username: 'nobody@example.com' }, [
      'GROUP_OWNER',
    ]);
    expect(missing).toMatchObject({ __typename: 'NotFoundError', code: 'INVITATION_NOT_FOUND' });
    const noRoles = await client.createInvitation(internalTools, 'someone@example.com', []);
    expect(noRoles).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'BAD_USER_INPUT',
      field: expect.any(String),
    });
    if (noRoles.__typename === 'InvalidInputError') expectTypeOf(noRoles).toExtend<MutationError>();
  });

  it('deletes an invitation, returning the project’s remaining invitations; a second delete is NotFoundError', async () => {
    const deleted = await client.deleteInvitation(internalTools, onCall.id);
    expect(deleted).toEqual({
      __typename: 'InvitationDeleted',
      confirmedByReadBack: false,
      attempts: 1,
      invitationId: onCall.id,
      project: { id: internalTools, invitations: [{ id: anna.id }] },
    });
    expect(await client.deleteInvitation(internalTools, onCall.id)).toMatchObject({
      __typename: 'NotFoundError',
      code: 'INVITATION_NOT_FOUND',
    });
    expect((await client.listInvitations(internalTools)).map((invitation) => invitation.id)).toEqual([anna.id]);
  });

  it('throws only when the gateway refuses the whole request (a malformed email in the variables)', async () => {
    const error = await client
      .createInvitation(internalTools, 'not-an-email', ['GROUP_OWNER'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvitationsRequestError);
    expect((error as InvitationsRequestError).codes).toEqual(['BAD_USER_INPUT']);
    expect((await client.listInvitations(internalTools)).map((invitation) => invitation.id)).toEqual([
      onCall.id,
      anna.id,
    ]);
  });
});
