/**
 * The client's part of "changes you can trust": every mutation carries an Idempotency-Key,
 * a mutation whose response was lost is sent again with the same key (and made once), and the
 * results say when the gateway confirmed a change by reading it back.
 */
import { createInvitationsClient, type FetchLike, newIdempotencyKey } from 'ops-manager-invitations-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Invitation } from '../../src/simulator/store.ts';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from '../integration/stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const CREATE_ROUTE = 'POST /groups/{groupId}/invites';

describe('the client and idempotency keys', () => {
  let stack: Stack;
  const keys: Array<string | null> = [];
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'silent' });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    keys.length = 0;
    stack.simulator.store.reset();
    stack.simulator.counters.reset();
    stack.simulator.faults.clear();
  });
  const recording: FetchLike = (input, init) => {
    keys.push(new Headers(init.headers).get('idempotency-key'));
    return fetch(input, init);
  };

  it('gives every mutation a new key by default, and queries none', async () => {
    const client = createInvitationsClient({ url: stack.url, fetch: recording });
    await client.createInvitation(payments, 'a@example.com', ['GROUP_READ_ONLY']);
    await client.createInvitation(payments, 'b@example.com', ['GROUP_READ_ONLY']);
    await client.listInvitations(payments);
    expect(keys[0]).toMatch(/^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBeNull();
  });

  it('a key kept by the app makes a repeated click one change', async () => {
    const client = createInvitationsClient({ url: stack.url });
    const idempotencyKey = newIdempotencyKey();
    const first = await client.createInvitation(payments, 'click@example.com', ['GROUP_READ_ONLY'], { idempotencyKey });
    const again = await client.createInvitation(payments, 'click@example.com', ['GROUP_READ_ONLY'], { idempotencyKey });
    expect(first.__typename).toBe('InvitationCreated');
    expect(again).toEqual(first);
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
  });

  it('a mutation whose response was lost is sent again with the same key, and made once', async () => {
    let dropped = 0;
    // The gateway answers, then the connection "fails" before the app reads the response.
    const losingFirstAnswer: FetchLike = async (input, init) => {
      keys.push(new Headers(init.headers).get('idempotency-key'));
      const response = await fetch(input, init);
      if (dropped++ === 0) {
        await response.text();
        throw new TypeError('fetch failed');
      }
      return response;
    };
    const client = createInvitationsClient({ url: stack.url, fetch: losingFirstAnswer });
    const result = await client.createInvitation(payments, 'lost@example.com', ['GROUP_READ_ONLY']);
    expect(result.__typename).toBe('InvitationCreated');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(stack.upstreamCalls(CREATE_ROUTE)).toBe(1);
  });

  it('without keys (idempotencyKeys: false, or null per call) nothing is sent again', async () => {
    const failing: FetchLike = async () => {
      keys.push('sent');
      throw new TypeError('fetch failed');
    };
    const client = createInvitationsClient({ url: stack.url, fetch: failing, idempotencyKeys: false });
    await expect(client.createInvitation(payments, 'x@example.com', ['GROUP_READ_ONLY'])).rejects.toThrow(
      'fetch failed',
    );
    expect(keys).toEqual(['sent']);
    const keyed = createInvitationsClient({ url: stack.url, fetch: failing });
    await expect(
      keyed.deleteInvitation(payments, 'aaaaaaaaaaaaaaaaaaaaaaaa', { idempotencyKey: null }),
    ).rejects.toThrow('fetch failed');
    expect(keys).toEqual(['sent', 'sent']);
  });

  it('results carry confirmedByReadBack and attempts, and an unknown outcome what a read showed', async () => {
    const client = createInvitationsClient({ url: stack.url });
    stack.simulator.faults.inject({ kind: 'reset', after: 'apply' }, { match: { method: 'POST' } });
    const confirmed = await client.createInvitation(payments, 'confirmed@example.com', ['GROUP_READ_ONLY'], {
      idempotencyKey: null,
    });
    expect(confirmed).toMatchObject({
      __typename: 'InvitationCreated',
      confirmedByReadBack: true,
      attempts: 1,
      invitation: { username: 'confirmed@example.com' },
    });

    const [target, other] = stack.simulator.store.listInvitations(payments) as [Invitation, Invitation];
    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'DELETE' } });
    const completed = await client.deleteInvitation(payments, target.id, { idempotencyKey: null });
    expect(completed).toMatchObject({ __typename: 'InvitationDeleted', confirmedByReadBack: false, attempts: 2 });

    stack.simulator.faults.inject({ kind: 'reset', after: 'receive' }, { match: { method: 'DELETE' }, times: 2 });
    const unknown = await client.deleteInvitation(payments, other.id, { idempotencyKey: null });
    expect(unknown).toMatchObject({
      __typename: 'OutcomeUnknownError',
      code: 'MUTATION_OUTCOME_UNKNOWN',
      attempts: 2,
      readBack: { invitation: { id: other.id } },
    });
  });
});
