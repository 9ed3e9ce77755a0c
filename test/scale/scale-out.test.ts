import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/index.ts';
import type { GatewayProcess } from '../e2e/gateway-process.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { type Outcome, percentile, send, startLoad } from './load.ts';

/**
 * Three replicas of the production build (`node dist/main.js`, built by scripts/test-scale.sh)
 * behind Debian's HAProxy, sharing one Redis (idempotency keys) and one Ops Manager simulator,
 * under a steady mixed load through the load balancer. Changes are counted at the simulator.
 * The figures are printed; nothing here asserts a duration.
 */
const [payments] = DEMO_PROJECT_IDS as [string];
const CREATE_ROUTE = 'POST /groups/{groupId}/invites';
/** Well above HAProxy's check interval × fall (200 ms × 2), so that it stops routing to a draining replica within the drain. */
const DRAIN_MS = 2_000;
/** A retry of a change whose replica died waits for its key's "running" mark to expire: OPERATION_TIMEOUT_MS + 5 s (app.ts). */
const OPERATION_TIMEOUT_MS = 10_000;
/** Each upstream call takes this long, so that every replica always has requests in flight. */
const UPSTREAM_LATENCY_MS = 100;
const WORKERS = 9;
/** The SIGKILL scenario: a create call takes this long upstream. */
const CREATE_LATENCY_MS = 600;

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({
    replicas: 3,
    launcher: 'dist',
    env: {
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      SHUTDOWN_GRACE_MS: '10000',
      OPERATION_TIMEOUT_MS: String(OPERATION_TIMEOUT_MS),
    },
  });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);
beforeEach(() => {
  cluster.simulator.counters.reset();
  cluster.simulator.faults.clear();
  cluster.simulator.setLatency(UPSTREAM_LATENCY_MS);
});

const mutations = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.kind === 'mutation');
/** The run's invitations in the simulator, by username: each change counted where it lands. */
function invitationsOf(runId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const invitation of cluster.simulator.store.listInvitations(payments)) {
    if (invitation.username.startsWith(`${runId}-`))
      counts.set(invitation.username, (counts.get(invitation.username) ?? 0) + 1);
  }
  return counts;
}
/** Operations a replica answered after it logged that it was draining. */
function answeredWhileDraining(replica: GatewayProcess): number {
  const from = replica.lines.findIndex((line) => String(line.msg).startsWith('Draining'));
  const to = replica.lines.findIndex((line) => String(line.msg).startsWith('Drain over'));
  return replica.lines.slice(from, to).filter((line) => line.msg === 'graphql operation').length;
}
const ms = (value: number) => `${Math.round(value)} ms`;

describe('three replicas behind HAProxy, sharing Redis and Ops Manager', () => {
  it('a rolling restart of all three under load: no failed request, every change applied once', async () => {
    const runId = `rolling-${Date.now()}`;
    const load = startLoad({
      url: cluster.url,
      projectId: payments,
      runId,
      workers: WORKERS,
      maxRequests: 20_000,
      maxMs: 240_000,
    });
    await load.answered(60);
    const restartFrom = performance.now();
    const exits: Array<number | null> = [];
    const drained: number[] = [];
    for (let index = 0; index < cluster.replicas.length; index += 1) {
      const old = cluster.replicas[index]!.process;
      exits.push(await cluster.restart(index));
      drained.push(answeredWhileDraining(old));
    }
    const restartTo = performance.now();
    await load.answered(load.outcomes.length + 60);
    const outcomes = await load.stop();

    const failed = outcomes.filter((outcome) => !outcome.ok);
    const during = outcomes.filter((outcome) => outcome.startedAt >= restartFrom && outcome.startedAt <= restartTo);
    const sent = mutations(outcomes);
    const landed = invitationsOf(runId);
    const counters = cluster.simulator.counters.snapshot();
    console.log(
      [
        `rolling restart of 3 replicas (production build, ${WORKERS} clients, upstream latency ${UPSTREAM_LATENCY_MS} ms, drain ${DRAIN_MS} ms):`,
        `  requests sent ${outcomes.length} (${sent.length} mutations), failed ${failed.length}; during the restart ${during.length}, restart took ${ms(restartTo - restartFrom)}`,
        `  latency p50 ${ms(
          percentile(
            outcomes.map((o) => o.endedAt - o.startedAt),
            50,
          ),
        )}, p99 ${ms(
          percentile(
            outcomes.map((o) => o.endedAt - o.startedAt),
            99,
          ),
        )}; during the restart p99 ${ms(
          percentile(
            during.map((o) => o.endedAt - o.startedAt),
            99,
          ),
        )}, max ${ms(Math.max(...during.map((o) => o.endedAt - o.startedAt)))}`,
        `  operations answered by each old replica while draining: ${drained.join(', ')}; exit codes ${exits.join(', ')}`,
        `  at the simulator: ${landed.size} invitations of the run, ${[...landed.values()].filter((n) => n > 1).length} doubled; ${counters.byRoute[CREATE_ROUTE] ?? 0} create calls, ${counters.applied} changes applied`,
      ].join('\n'),
    );

    expect(failed.map((outcome) => `${outcome.kind}: ${outcome.failure}`)).toEqual([]);
    expect(exits).toEqual([0, 0, 0]);
    // The load ran through the whole restart.
    expect(outcomes.some((outcome) => outcome.startedAt > restartTo)).toBe(true);
    // Every change the clients sent landed once: none lost, none doubled, one upstream call each.
    expect([...landed.keys()].sort()).toEqual(sent.map((outcome) => outcome.username).sort());
    expect([...landed.values()].every((count) => count === 1)).toBe(true);
    expect(counters.byRoute[CREATE_ROUTE]).toBe(sent.length);
    expect(counters.applied).toBe(sent.length);
  }, 300_000);

  it('one replica SIGKILLed under load: only the requests in flight on it fail; retried with their keys, each change is applied once', async () => {
    const runId = `killed-${Date.now()}`;
    // Changes take longer upstream than reads, so that some are in flight on the replica when it dies.
    cluster.simulator.faults.inject(
      { kind: 'latency', ms: CREATE_LATENCY_MS },
      { match: { route: CREATE_ROUTE }, times: Infinity },
    );
    const load = startLoad({
      url: cluster.url,
      projectId: payments,
      runId,
      workers: WORKERS,
      maxRequests: 20_000,
      maxMs: 240_000,
      mutationShare: 1 / 2,
    });
    await load.answered(60);
    const victim = 1;
    // Kill it while it holds requests (HAProxy's count of its current sessions), most of them changes.
    const name = cluster.replicas[victim]!.name;
    while ((await cluster.haproxy.sessions())[name]!.current < 3)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // The moment it dies is known only within [SIGKILL sent, its exit seen]: a request that
    // started before its exit was seen may have been on it.
    const killSentAt = performance.now();
    await cluster.kill(victim);
    const exitSeenAt = performance.now();
    await load.answered(load.outcomes.length + 60);
    await cluster.start(victim);
    await load.answered(load.outcomes.length + 30);
    const outcomes = await load.stop();

    const failed = outcomes.filter((outcome) => !outcome.ok);
    // In flight at the kill: sent before the replica was gone, answered (with an error) after SIGKILL.
    const inFlight = (outcome: Outcome) => outcome.startedAt <= exitSeenAt && outcome.endedAt >= killSentAt;
    const failedMutations = mutations(failed);

    // The client retries each failed change through the load balancer with the same key. A key
    // whose replica died stays "running" until its mark expires (409 IDEMPOTENCY_KEY_IN_USE): wait.
    const retries: Array<{ key: string; typename?: string; waits: number }> = [];
    for (const outcome of failedMutations) {
      let waits = 0;
      for (;;) {
        const answer = await send(cluster.url, undefined, {
          projectId: payments,
          username: outcome.username!,
          key: outcome.key!,
        });
        if (answer.code === 'IDEMPOTENCY_KEY_IN_USE' && waits < 60) {
          waits += 1;
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
        retries.push({ key: outcome.key!, typename: answer.typename ?? answer.failure, waits });
        break;
      }
    }

    const sent = mutations(outcomes);
    const landed = invitationsOf(runId);
    const counters = cluster.simulator.counters.snapshot();
    const tally = (values: Array<string | undefined>) => {
      const counts = new Map<string, number>();
      for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
      return [...counts].map(([value, count]) => `${value} ${count}`).join(', ') || 'none';
    };
    console.log(
      [
        `one of 3 replicas SIGKILLed (production build, ${WORKERS} clients, upstream latency ${UPSTREAM_LATENCY_MS} ms, creates ${UPSTREAM_LATENCY_MS + CREATE_LATENCY_MS} ms):`,
        `  requests sent ${outcomes.length} (${sent.length} mutations), failed ${failed.length} (${failedMutations.length} mutations), all in flight at the kill: ${failed.every(inFlight)}`,
        `  failures as the client saw them: ${tally(failed.map((outcome) => outcome.failure))}`,
        `  retried with the same key: ${tally(retries.map((retry) => retry.typename))}; waits on IDEMPOTENCY_KEY_IN_USE: ${retries.map((retry) => retry.waits).join(', ')}`,
        `  at the simulator: ${landed.size} invitations of the run for ${sent.length} mutations, ${[...landed.values()].filter((n) => n > 1).length} doubled; ${counters.byRoute[CREATE_ROUTE] ?? 0} create calls, ${counters.applied} changes applied`,
      ].join('\n'),
    );

    expect(failed.filter((outcome) => !inFlight(outcome))).toEqual([]);
    // Some changes died with the replica: the retries below are what this test is about.
    expect(failedMutations.length).toBeGreaterThan(0);
    // Each retry either applied the change now or found it applied by the attempt that died with the replica.
    for (const retry of retries) expect(['InvitationCreated', 'AlreadyExistsError']).toContain(retry.typename);
    // Every change sent is in Ops Manager exactly once, the failed ones included.
    expect([...landed.keys()].sort()).toEqual(sent.map((outcome) => outcome.username).sort());
    expect([...landed.values()].every((count) => count === 1)).toBe(true);
    expect(counters.applied).toBe(sent.length);
  }, 300_000);
});
