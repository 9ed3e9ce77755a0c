import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/index.ts';
import { metricValue } from '../metrics.ts';
import { bearer, JWT_ENV, post, READ } from './jwt-callers.ts';
import { type Stack, startStack } from './stack.ts';

const [flooded, quiet] = DEMO_PROJECT_IDS as [string, string];
const MAX_IN_FLIGHT = 2;
/** Caller A's reads in flight at once, each sent again as soon as it is answered. */
const FLOOD = 32;
/** Caller B's reads, one at a time. */
const B_READS = 20;
const OPERATION_TIMEOUT_MS = 10_000;
/**
 * How many of A's reads Ops Manager may serve while one read of B is in the gateway. With a fair
 * line, B's call takes one of the next two free slots (the rotation alternates callers), so A gets
 * the slots it held when B arrived plus what the other slot serves meanwhile: a handful, noise of a
 * loaded machine included. First come, first served, B waits behind every read A has queued
 * (about FLOOD - MAX_IN_FLIGHT = 30). Half the flood separates the two with room on both sides.
 */
const A_CALLS_PER_B_READ = FLOOD / 2;

const pathOf = (project: string) => `GET /api/public/v1.0/groups/${project}/invites`;

interface FloodRun {
  /** For each of B's reads: A's reads Ops Manager answered while it was in the gateway. */
  aCallsDuring: number[];
  /** B's latencies at the client, ms. */
  latencies: number[];
  bErrors: string[];
  aRefused: number;
}

/** Caller A floods one project while caller B reads another, one read at a time; counted at the simulator. */
async function floodRun(stack: Stack, flood = FLOOD): Promise<FloodRun> {
  const a = bearer('flooding-script');
  const b = bearer('frontend');
  const served = (project: string) => stack.simulator.counters.snapshot().byPath[pathOf(project)] ?? 0;
  let flooding = true;
  let aRefused = 0;
  const workers = Array.from({ length: flood }, async () => {
    while (flooding) {
      const answer = await post(stack.url, a, READ, { p: flooded });
      if (answer.status === 429) aRefused += 1;
    }
  });
  const run: FloodRun = { aCallsDuring: [], latencies: [], bErrors: [], aRefused: 0 };
  try {
    // B starts once A's line is full.
    const until = performance.now() + 10_000;
    while (served(flooded) < flood) {
      if (performance.now() > until) throw new Error(`the flood never got going: ${served(flooded)} calls`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (let i = 0; i < B_READS; i += 1) {
      const before = served(flooded);
      const started = performance.now();
      const answer = await post(stack.url, b, READ, { p: quiet });
      run.latencies.push(performance.now() - started);
      run.aCallsDuring.push(served(flooded) - before);
      for (const error of answer.body.errors ?? []) run.bErrors.push(String(error.extensions?.code));
    }
  } finally {
    // The flood always stops, whatever happened above.
    flooding = false;
    await Promise.all(workers);
  }
  run.aRefused = aRefused;
  return run;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

function report(name: string, run: FloodRun): void {
  console.log(
    `[flooding] ${name}: B p50 ${percentile(run.latencies, 50)} ms, p99 ${percentile(run.latencies, 99)} ms, max ${percentile(run.latencies, 100)} ms; ` +
      `A's reads served during one of B's: median ${percentile(run.aCallsDuring, 50)}, max ${Math.max(...run.aCallsDuring)}; A refused (429): ${run.aRefused}`,
  );
}

/** The stack of one scenario: two slots, no coalescing (each of A's reads is a call), 20 ms per Ops Manager answer. */
async function scenario(env: Record<string, string>): Promise<Stack> {
  const stack = await startStack({
    logLevel: 'warn',
    maxInFlight: MAX_IN_FLIGHT,
    coalesceReads: false,
    operationTimeoutMs: OPERATION_TIMEOUT_MS,
    env: { ...JWT_ENV, ...env },
  });
  stack.simulator.setLatency(20);
  return stack;
}

describe('two callers, one flooding: the other is served in turn (jwt mode, UPSTREAM_MAX_IN_FLIGHT=2)', () => {
  const stacks: Stack[] = [];
  afterAll(() => Promise.all(stacks.map((stack) => stack.close())));

  it("with the fair line (and no budgets): every read of B answers, and Ops Manager serves only a handful of A's reads while each waits", async () => {
    const stack = await scenario({});
    stacks.push(stack);
    const alone = await floodRun(stack, 0);
    report('B alone', alone);
    expect(alone.bErrors).toEqual([]);
    const run = await floodRun(stack);
    report('fair line, no budgets', run);
    expect(run.bErrors).toEqual([]);
    expect(Math.max(...run.latencies)).toBeLessThan(OPERATION_TIMEOUT_MS);
    expect(Math.max(...run.aCallsDuring)).toBeLessThanOrEqual(A_CALLS_PER_B_READ);
    // The waits are exported: one observation per Ops Manager call.
    expect(await metricValue(stack.url, 'upstream_queue_wait_seconds_count')).toBe(stack.upstreamCalls());
  });

  it("first come, first served (UPSTREAM_FAIR_QUEUE=false): B waits behind A's queue, which the bound above tells apart", async () => {
    const stack = await scenario({ UPSTREAM_FAIR_QUEUE: 'false' });
    stacks.push(stack);
    const run = await floodRun(stack);
    report('first come first served, no budgets', run);
    // The bound is not loose: without fairness most of B's reads break it.
    expect(run.aCallsDuring.filter((count) => count > A_CALLS_PER_B_READ).length).toBeGreaterThan(B_READS / 2);
  });

  it("with budgets (60 queries a minute per caller) and the fair line: A is refused with 429 past its budget, Ops Manager sees exactly that budget, B's reads all answer", async () => {
    const stack = await scenario({ RATE_LIMIT_READS_PER_MINUTE: '60' });
    stacks.push(stack);
    const run = await floodRun(stack);
    report('fair line, budgets', run);
    expect(run.bErrors).toEqual([]);
    expect(run.aRefused).toBeGreaterThan(0);
    // A's whole budget, and not one call more, reached Ops Manager.
    expect(stack.simulator.counters.snapshot().byPath[pathOf(flooded)]).toBe(60);
    expect(Math.max(...run.aCallsDuring)).toBeLessThanOrEqual(A_CALLS_PER_B_READ);
  });
});
