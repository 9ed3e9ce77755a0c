/**
 * The SDK's reads against the whole stack over real HTTP. Only the SDK talks to the gateway;
 * the stack helper only starts it (simulator with demo data, real Digest, real socket).
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createInvitationsClient,
  type Invitation,
  type InvitationsClient,
  InvitationsRequestError,
} from 'ops-manager-invitations-client';
import { DEMO_INVITATIONS, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from '../integration/stack.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const MISSING_PROJECT = 'ffffffffffffffffffffffff';
const usernamesOf = (projectId: string) =>
  DEMO_INVITATIONS.filter((i) => i.groupId === projectId).map((i) => i.username);

describe('SDK reads', () => {
  let stack: Stack;
  let client: InvitationsClient;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent' });
    client = createInvitationsClient({ url: stack.url });
  });
  afterAll(() => stack.close());

  it('lists a project’s invitations, typed', async () => {
    const invitations = await client.listInvitations(payments);
    expectTypeOf(invitations).toEqualTypeOf<Invitation[]>();
    expect(invitations.map((invitation) => invitation.username)).toEqual(usernamesOf(payments));
    expect(invitations[0]).toMatchObject({
      username: 'jane.smith@example.com',
      roles: ['GROUP_OWNER'],
      expired: false,
      project: { id: payments },
    });
  });

  it('filters by username, ignoring case', async () => {
    const invitations = await client.listInvitations(payments, { username: 'JANE.SMITH@example.com' });
    expect(invitations.map((invitation) => invitation.username)).toEqual(['jane.smith@example.com']);
  });

  it('gets one invitation by id, or null', async () => {
    const jane = DEMO_INVITATIONS.find((invitation) => invitation.username === 'jane.smith@example.com')!;
    expect(await client.getInvitation(payments, jane.id)).toMatchObject({ id: jane.id, username: jane.username });
    expect(await client.getInvitation(payments, 'aaaaaaaaaaaaaaaaaaaaaaaa')).toBeNull();
  });

  it('lists several projects in one request, in the order asked', async () => {
    const projects = await client.listInvitationsOfProjects([analytics, payments]);
    expect(projects.map(({ projectId, invitations }) => [projectId, invitations.map((i) => i.username)])).toEqual([
      [analytics, usernamesOf(analytics)],
      [payments, usernamesOf(payments)],
    ]);
  });

  it('throws InvitationsRequestError with the codes of a failed field, keeping the partial data', async () => {
    const error = await client
      .listInvitationsOfProjects([payments, MISSING_PROJECT])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvitationsRequestError);
    const failure = error as InvitationsRequestError;
    expect(failure.codes).toEqual(['PROJECT_NOT_FOUND']);
    expect(failure.hasCode('PROJECT_NOT_FOUND')).toBe(true);
    expect(failure.status).toBe(200);
    expect(failure.errors[0]?.path).toEqual(['projects', 1, 'invitations']);
    expect(failure.data).toMatchObject({
      projects: [
        { id: payments, invitations: expect.any(Array) },
        { id: MISSING_PROJECT, invitations: null },
      ],
    });
    expect(failure.message).toContain('PROJECT_NOT_FOUND');
  });

  it('throws with BAD_USER_INPUT and HTTP 400 for a malformed id, before any Ops Manager call', async () => {
    const before = stack.upstreamCalls();
    const error = (await client
      .getInvitation(payments, 'not-an-id')
      .catch((caught: unknown) => caught)) as InvitationsRequestError;
    expect(error).toBeInstanceOf(InvitationsRequestError);
    expect(error.codes).toEqual(['BAD_USER_INPUT']);
    expect(error.status).toBe(400);
    expect(stack.upstreamCalls()).toBe(before);
  });

  it('throws InvitationsRequestError without codes for an answer that is not GraphQL', async () => {
    // What a proxy in front of the gateway may answer; injected through the SDK's fetch option.
    const behindProxy = (response: () => Response) =>
      createInvitationsClient({ url: stack.url, fetch: async () => response() });
    const badGateway = await behindProxy(
      () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
    )
      .listInvitations(payments)
      .catch((caught: unknown) => caught);
    expect(badGateway).toBeInstanceOf(InvitationsRequestError);
    expect(badGateway).toMatchObject({
      status: 502,
      codes: [],
      errors: [],
      message: expect.stringContaining('HTTP 502'),
    });
    const notGraphQL = await behindProxy(() => Response.json({ status: 'ok' }))
      .getInvitation(payments, 'aaaaaaaaaaaaaaaaaaaaaaaa')
      .catch((caught: unknown) => caught);
    expect(notGraphQL).toBeInstanceOf(InvitationsRequestError);
    expect(notGraphQL).toMatchObject({ codes: [], data: null });
  });

  it('passes a network failure through as fetch’s own error', async () => {
    const unreachable = createInvitationsClient({ url: 'http://127.0.0.1:9/graphql' });
    const error = await unreachable.listInvitations(payments).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(InvitationsRequestError);
  });

  it('cancels a call through its AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client.listInvitations(payments, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('sends the configured headers, calling a header function before each request, through the injected fetch', async () => {
    const seen: Array<string | null> = [];
    let token = 0;
    const recording = createInvitationsClient({
      url: stack.url,
      headers: () => ({ authorization: `Bearer token-${(token += 1)}` }),
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('authorization'));
        return fetch(input, init);
      },
    });
    await recording.listInvitations(payments);
    await recording.getInvitation(payments, 'aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
  });
});
