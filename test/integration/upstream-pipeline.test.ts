import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createUpstream, type Upstream } from '../../src/ops-manager/upstream.ts';
import { DEMO_API_KEY, generatedProjectId, type Simulator, startSimulator } from '../../src/simulator/index.ts';
import { registerSecret } from '../secrets-sweep.ts';

const alice = { publicKey: 'alice-public', privateKey: 'alice-private-key-1', fingerprint: 'alice' };
const project = generatedProjectId(0);

describe('one upstream, one pipeline: passthrough callers share the cap and the breaker', () => {
  let simulator: Simulator | undefined;
  let upstream: Upstream | undefined;
  afterEach(async () => {
    await upstream?.close();
    await simulator?.close();
  });

  /** A simulator with one project and these keys, and one upstream over it (no retries). */
  async function start(
    apiKeys: Array<{ publicKey: string; privateKey: string; fingerprint: string }>,
    options: { failureThreshold: number; maxSessions: number },
  ): Promise<{ simulator: Simulator; upstream: Upstream }> {
    for (const key of apiKeys) registerSecret(key.privateKey);
    simulator = await startSimulator({
      apiKeys: [DEMO_API_KEY, ...apiKeys],
      seed: { projects: 1, invitationsPerProject: 1 },
    });
    upstream = createUpstream({
      baseUrl: simulator.baseUrl,
      ...DEMO_API_KEY,
      logger: createLogger({ level: 'silent' }),
      timeoutMs: 5_000,
      maxInFlight: 4,
      retry: { maxRetries: 0 },
      breaker: { failureThreshold: options.failureThreshold, halfOpenAfterMs: 60_000 },
      maxSessions: options.maxSessions,
    });
    return { simulator, upstream };
  }

  it('a circuit opened by the gateway key’s calls stops a passthrough caller’s call before it is sent', async () => {
    const { simulator, upstream } = await start([alice], { failureThreshold: 2, maxSessions: 10 });
    const caller = upstream.clientFor(alice);
    expect(await caller.listInvitations(project)).toHaveLength(1);

    simulator.faults.inject({ kind: 'status', status: 503 }, { times: 2 });
    for (let i = 0; i < 2; i += 1)
      await expect(upstream.client.listInvitations(project)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(upstream.status().breaker).toBe('open');

    simulator.counters.reset();
    await expect(caller.listInvitations(project)).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      notSent: true,
    });
    expect(simulator.counters.snapshot().requests).toBe(0);
  });

  it('keeps one Digest session per caller key, dropping the least recently used beyond maxSessions', async () => {
    const bob = { publicKey: 'bob-public', privateKey: 'bob-private-key-1', fingerprint: 'bob' };
    const { simulator, upstream } = await start([alice, bob], { failureThreshold: 5, maxSessions: 1 });
    const first = upstream.clientFor(alice);
    expect(await first.listInvitations(project)).toHaveLength(1);
    simulator.counters.reset();
    // The same key reuses its session: its nonce is warm, so no challenge, one request.
    expect(upstream.clientFor(alice)).toBe(first);
    expect(await upstream.clientFor(alice).listInvitations(project)).toHaveLength(1);
    expect(simulator.counters.snapshot().requests).toBe(1);
    // Another key gets its own session; with room for one, alice's is dropped and made anew.
    const other = upstream.clientFor(bob);
    expect(other).not.toBe(first);
    expect(await other.listInvitations(project)).toHaveLength(1);
    expect(upstream.clientFor(alice)).not.toBe(first);
  });
});
