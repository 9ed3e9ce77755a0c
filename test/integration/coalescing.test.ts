import { afterEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../fetch-send.ts';
import { DEMO_API_KEY, generatedInvitationId, generatedProjectId } from '../../src/simulator/demo-data.ts';
import { registerSecret } from '../secrets-sweep.ts';
import { LIST_ROUTE, type Stack, startStack } from './stack.ts';

const project = generatedProjectId(0);
const invitation = generatedInvitationId(0, 0);
const PATCH_BY_ID = 'PATCH /groups/{groupId}/invites/{invitationId}';
const READ = `{ project(id: "${project}") { invitations { id roles } } }`;
const CHANGE = `mutation { updateInvitationRoles(projectId: "${project}", invitation: { id: "${invitation}" }, roles: [GROUP_BACKUP_ADMIN, GROUP_DATA_ACCESS_ADMIN]) { __typename } }`;
const CHANGED_ROLES = ['GROUP_BACKUP_ADMIN', 'GROUP_DATA_ACCESS_ADMIN'];

/**
 * Holds requests of one method on their way to the simulator until released, so that "in flight
 * at the same time" is a fact of the test, not a matter of timing. Requests of other methods pass.
 */
function upstreamGate(method: string) {
  let holding = false;
  const waiting: Array<() => void> = [];
  return {
    hold: () => void (holding = true),
    release: () => {
      holding = false;
      for (const go of waiting.splice(0)) go();
    },
    waiting: () => waiting.length,
    wrap:
      (fetch: FetchLike): FetchLike =>
      async (input, init) => {
        if (holding && (init?.method ?? 'GET') === method) await new Promise<void>((resolve) => waiting.push(resolve));
        return fetch(input, init);
      },
  };
}

/** Waits (bounded) for something that happens as requests arrive: no timing is asserted. */
async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function post(
  stack: Stack,
  query: string,
  headers: Record<string, string> = {},
): Promise<{ data?: any; errors?: unknown[] }> {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

describe('read coalescing: identical reads in flight share one GET', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function start(method: string, options: Parameters<typeof startStack>[0] = {}) {
    const gate = upstreamGate(method);
    stack = await startStack({
      simulator: { seed: { projects: 3, invitationsPerProject: 2 } },
      wrapTransport: gate.wrap,
      ...options,
    });
    return { stack, gate };
  }

  it('eight concurrent operations reading one project cost one GET, and all get its answer', async () => {
    const { stack, gate } = await start('GET');
    await post(stack, READ); // the Digest handshake, out of the way
    stack.simulator.counters.reset();
    gate.hold();
    const first = post(stack, READ);
    await eventually(() => gate.waiting() === 1);
    const others = Array.from({ length: 7 }, () => post(stack, READ));
    await eventually(() => stack.upstream.status().readsCoalesced === 7);
    gate.release();
    const answers = await Promise.all([first, ...others]);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.data.project.invitations).toHaveLength(2);
  });

  it('is off when the upstream is built with coalesceReads: false: each operation its own GET', async () => {
    const { stack, gate } = await start('GET', { coalesceReads: false });
    await post(stack, READ);
    stack.simulator.counters.reset();
    gate.hold();
    const reads = Array.from({ length: 4 }, () => post(stack, READ));
    // Two GETs of the same project on the wire at once (the Digest session lets a second connection
    // open before the rest go): with coalescing on, the second would have joined the first.
    await eventually(() => gate.waiting() >= 2);
    gate.release();
    await Promise.all(reads);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(4);
    expect(stack.upstream.status().readsCoalesced).toBe(0);
  });

  it('never shares a GET between different credentials (passthrough keys)', async () => {
    const alice = { publicKey: 'alice-public', privateKey: 'alice-private-key-1' };
    const bob = { publicKey: 'bob-public', privateKey: 'bob-private-key-2' };
    const { stack, gate } = await start('GET', {
      security: { authMode: 'passthrough' },
      simulator: { apiKeys: [DEMO_API_KEY, alice, bob], seed: { projects: 3, invitationsPerProject: 2 } },
    });
    const basic = (key: typeof alice) => {
      registerSecret(key.privateKey);
      const encoded = Buffer.from(`${key.publicKey}:${key.privateKey}`).toString('base64');
      registerSecret(encoded);
      return { authorization: `Basic ${encoded}` };
    };
    await post(stack, READ, basic(alice));
    await post(stack, READ, basic(bob));
    stack.simulator.counters.reset();
    gate.hold();
    const reads = [post(stack, READ, basic(alice)), post(stack, READ, basic(bob)), post(stack, READ, basic(alice))];
    // Alice's two reads share one GET; Bob's is his own: two GETs held at once.
    await eventually(() => gate.waiting() === 2 && stack.upstream.status().readsCoalesced === 1);
    gate.release();
    const answers = await Promise.all(reads);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
  });

  it('never shares a change: two identical concurrent changes are two PATCHes', async () => {
    const { stack, gate } = await start('PATCH');
    await post(stack, READ);
    stack.simulator.counters.reset();
    gate.hold();
    const changes = [post(stack, CHANGE), post(stack, CHANGE)];
    await eventually(() => gate.waiting() === 2);
    gate.release();
    const answers = await Promise.all(changes);
    for (const answer of answers) expect(answer.data.updateInvitationRoles.__typename).toBe('InvitationRolesUpdated');
    expect(stack.upstreamCalls(PATCH_BY_ID)).toBe(2);
  });

  it('a read that starts after a change to its project was acknowledged does not join a GET that started before it', async () => {
    const { stack, gate } = await start('GET');
    const before = await post(stack, READ);
    expect(before.data.project.invitations.find((one: { id: string }) => one.id === invitation).roles).not.toEqual(
      CHANGED_ROLES,
    );
    stack.simulator.counters.reset();

    gate.hold();
    const early = post(stack, READ); // its GET is held: in flight from now on
    await eventually(() => gate.waiting() === 1);
    const change = await post(stack, CHANGE); // PATCH passes the gate, and is acknowledged
    expect(change.data.updateInvitationRoles.__typename).toBe('InvitationRolesUpdated');
    const late = post(stack, READ);
    await eventually(() => gate.waiting() === 2); // a GET of its own, not a share of the early one
    expect(stack.upstream.status().readsCoalesced).toBe(0);
    gate.release();

    const [, after] = await Promise.all([early, late]);
    expect(after.data.project.invitations.find((one: { id: string }) => one.id === invitation).roles).toEqual(
      CHANGED_ROLES,
    );
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(2);
    expect(stack.upstreamCalls(PATCH_BY_ID)).toBe(1);
  });

  it('a reader who leaves gets its own error at once; the GET goes on for the others', async () => {
    const { stack, gate } = await start('GET');
    await post(stack, READ);
    stack.simulator.counters.reset();
    gate.hold();
    const stays = post(stack, READ);
    await eventually(() => gate.waiting() === 1);
    const caller = new AbortController();
    const leaves = fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: READ }),
      signal: caller.signal,
    }).catch(() => 'left');
    await eventually(() => stack.upstream.status().readsCoalesced === 1);
    caller.abort();
    expect(await leaves).toBe('left');
    gate.release();
    const answer = await stays;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.project.invitations).toHaveLength(2);
    expect(stack.upstreamCalls(LIST_ROUTE)).toBe(1);
  });
});
