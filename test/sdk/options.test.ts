/**
 * What the client adds around the calls, over real HTTP against the whole stack: async
 * headers (called before each request), an injected fetch, a per-call signal, and calls
 * imported one by one over a shared transport.
 */
import {
  createInvitationsClient,
  createTransport,
  getInvitation,
  listInvitations,
  type FetchLike,
} from 'ops-manager-invitations-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_INVITATIONS, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from '../integration/stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];

describe('client options', () => {
  let stack: Stack;
  const sent: { url: string; headers: Headers }[] = [];
  const recordingFetch: FetchLike = (input, init) => {
    sent.push({ url: String(input), headers: new Headers(init.headers) });
    return fetch(input, init);
  };
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent' });
  });
  afterAll(() => stack.close());

  it('awaits async headers before each request, and sends them with the injected fetch', async () => {
    sent.length = 0;
    let refreshes = 0;
    const client = createInvitationsClient({
      url: stack.url,
      fetch: recordingFetch,
      headers: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        refreshes += 1;
        return { 'x-request-id': `token-${refreshes}` };
      },
    });
    await client.listInvitations(payments);
    await client.listInvitations(payments);
    expect(sent.map((request) => request.headers.get('x-request-id'))).toEqual(['token-1', 'token-2']);
    expect(sent.every((request) => request.url === stack.url)).toBe(true);
  });

  it('takes headers as an object, as [name, value] pairs, or as a Headers instance', async () => {
    sent.length = 0;
    for (const headers of [
      { 'x-request-id': 'object' },
      [['x-request-id', 'pairs']] as const,
      new Headers({ 'x-request-id': 'headers-instance' }),
    ]) {
      await createInvitationsClient({ url: stack.url, fetch: recordingFetch, headers }).listInvitations(payments);
    }
    expect(sent.map((request) => request.headers.get('x-request-id'))).toEqual(['object', 'pairs', 'headers-instance']);
  });

  it('rejects with the abort reason when the call’s signal aborts, without a GraphQL error', async () => {
    const client = createInvitationsClient({ url: stack.url });
    const controller = new AbortController();
    controller.abort(new Error('user navigated away'));
    await expect(client.listInvitations(payments, { signal: controller.signal })).rejects.toThrow(
      'user navigated away',
    );
  });

  it('runs calls imported one by one over one transport', async () => {
    const transport = createTransport({ url: stack.url, headers: { 'x-request-id': 'one-by-one' } });
    const jane = DEMO_INVITATIONS.find((invitation) => invitation.username === 'jane.smith@example.com')!;
    const [listed, one] = await Promise.all([
      listInvitations(transport, payments, { username: jane.username }),
      getInvitation(transport, payments, jane.id),
    ]);
    expect(listed.map((invitation) => invitation.id)).toEqual([jane.id]);
    expect(one?.username).toBe(jane.username);
  });
});
