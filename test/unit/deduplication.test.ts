import { describe, expect, it } from 'vitest';
import { DeadlineExceeded } from '../../src/operation-deadline.ts';
import type { CallContext, OpsManagerClient } from '../../src/ops-manager/client.ts';
import { createDeduplication, SharedReads } from '../../src/ops-manager/deduplication.ts';
import type { Invitation } from '../../src/invitation.ts';

type ReadOptions = CallContext;

/** A read that stays in flight until the test settles it, recording the options it was started with. */
function controllableRead() {
  const started: ReadOptions[] = [];
  let settle!: { resolve: (value: string) => void; reject: (error: Error) => void };
  const read = (options: ReadOptions) => {
    started.push(options);
    return new Promise<string>((resolve, reject) => (settle = { resolve, reject })) as unknown as Promise<Invitation[]>;
  };
  return { read, started, settle: () => settle };
}

describe('SharedReads: identical reads in flight across operations', () => {
  it('runs one read for overlapping identical keys and gives every reader its value', async () => {
    const reads = new SharedReads();
    const { read, started, settle } = controllableRead();
    const a = reads.read('P1', 'gateway GET /p1', { requestId: 'a' }, read);
    const b = reads.read('p1', 'gateway GET /p1', { requestId: 'b' }, read);
    expect(started).toHaveLength(1);
    expect(started[0]!.requestId).toBe('a');
    settle().resolve('list');
    expect(await Promise.all([a, b])).toEqual(['list', 'list']);
    expect(reads.joined).toBe(1);
  });

  it('keeps nothing once the read is over: the next one runs again (no TTL, no staleness)', async () => {
    const reads = new SharedReads();
    const first = controllableRead();
    const a = reads.read('p1', 'k', {}, first.read);
    first.settle().resolve('old');
    await a;
    const second = controllableRead();
    const b = reads.read('p1', 'k', {}, second.read);
    expect(second.started).toHaveLength(1);
    second.settle().resolve('new');
    expect(await b).toBe('new');
  });

  it('shares failures too, and forgets them', async () => {
    const reads = new SharedReads();
    const { read, settle } = controllableRead();
    const a = reads.read('p1', 'k', {}, read);
    const b = reads.read('p1', 'k', {}, read);
    settle().reject(new Error('503'));
    await expect(a).rejects.toThrow('503');
    await expect(b).rejects.toThrow('503');
    const again = controllableRead();
    void reads.read('p1', 'k', {}, again.read);
    expect(again.started).toHaveLength(1);
  });

  it('does not join across keys (credentials), and changed() ends joining for the project under every key', async () => {
    const reads = new SharedReads();
    const gateway = controllableRead();
    const caller = controllableRead();
    void reads.read('p1', 'gateway', {}, gateway.read);
    void reads.read('p1', 'caller:abc', {}, caller.read);
    expect([gateway.started.length, caller.started.length]).toEqual([1, 1]);

    reads.changed('P1');
    const after = controllableRead();
    void reads.read('p1', 'gateway', {}, after.read);
    expect(after.started).toHaveLength(1);
    // The early GET ending later must not remove the newer entry.
    gateway.settle().resolve('before the change');
    await Promise.resolve();
    const joiner = controllableRead();
    const joined = reads.read('p1', 'gateway', {}, joiner.read);
    expect(joiner.started).toHaveLength(0);
    after.settle().resolve('after the change');
    expect(await joined).toBe('after the change');
  });

  it('lets a reader leave with its own error; aborts the shared read only when every reader has left', async () => {
    const reads = new SharedReads();
    const { read, started, settle } = controllableRead();
    const first = new AbortController();
    const second = new AbortController();
    const a = reads.read('p1', 'k', { signal: first.signal }, read);
    const b = reads.read('p1', 'k', { signal: second.signal }, read);
    const shared = started[0]!.signal!;
    first.abort(new Error('caller left'));
    await expect(a).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(shared.aborted).toBe(false);
    second.abort(new DeadlineExceeded());
    await expect(b).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(shared.aborted).toBe(true);
    expect(shared.reason).toBeInstanceOf(DeadlineExceeded);
    settle().reject(new Error('aborted'));
  });

  it('refuses a reader whose operation is already over, without starting anything', async () => {
    const reads = new SharedReads();
    const { read, started } = controllableRead();
    await expect(
      reads.read('p1', 'k', { signal: AbortSignal.abort(new DeadlineExceeded()) }, read),
    ).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      notSent: true,
    });
    expect(started).toHaveLength(0);
  });
});

describe('createDeduplication: one operation’s reads', () => {
  /** A client whose list reads stay in flight until released, counting them. */
  function client(sharedReads?: SharedReads) {
    const reads: Array<{ projectId: string; release: () => void }> = [];
    const batches: number[] = [];
    const fake = {
      credentials: 'gateway',
      sharedReads,
      observer: { batch: (size: number) => batches.push(size) },
      listInvitations: (projectId: string) =>
        new Promise<Invitation[]>((resolve) => reads.push({ projectId, release: () => resolve([]) })),
    };
    return { client: fake as unknown as OpsManagerClient, reads, batches };
  }
  const settle = async (reads: Array<{ release: () => void }>) => {
    for (const read of reads.splice(0)) read.release();
    await new Promise((resolve) => setImmediate(resolve));
  };

  it('reads each project once per operation (one batch), and again only after changed()', async () => {
    const { client: fake, reads, batches } = client();
    const operation = createDeduplication(fake, {});
    const answers = Promise.all([
      operation.invitations('p1'),
      operation.invitations('p1'),
      operation.invitations('p2'),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads.map((read) => read.projectId)).toEqual(['p1', 'p2']);
    expect(batches).toEqual([2]);
    await settle(reads);
    await answers;
    void operation.invitations('p1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toHaveLength(0);
    operation.changed('p1');
    void operation.invitations('p1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads.map((read) => read.projectId)).toEqual(['p1']);
    await settle(reads);
  });

  it('shares a read in flight with another operation; changed() in one clears both scopes', async () => {
    const shared = new SharedReads();
    const { client: fake, reads } = client(shared);
    const [first, second] = [createDeduplication(fake, {}), createDeduplication(fake, {})];
    void first.invitations('p1');
    void second.invitations('p1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toHaveLength(1);
    expect(shared.joined).toBe(1);
    first.changed('p1');
    void second.invitations('p2');
    void createDeduplication(fake, {}).invitations('p1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads.map((read) => read.projectId)).toEqual(['p1', 'p2', 'p1']);
    await settle(reads);
  });
});
