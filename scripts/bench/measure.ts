/**
 * One measured run and what it costs: throughput and latency from the load generator, CPU time
 * per operation from /proc (gateway, simulator) and process.cpuUsage (this process: autocannon or
 * the baseline loop), upstream calls and Digest challenges from the simulator's counters, and the
 * machine's busy cores from /proc/stat, since the 2 cores are shared with other work.
 */
import { readFileSync } from 'node:fs';
import { runAutocannon } from './autocannon.ts';
import { runBaseline } from './baseline.ts';
import { cpuSeconds, sampleRss } from './processes.ts';
import type { BaselineUpstream, Scenario } from './scenarios.ts';
import { countersSince, readCounters, waitForQuiet } from './simulator-controls.ts';
import { type LoadResult, mergeResults, round } from './stats.ts';

export interface Timing {
  warmupS: number;
  measureS: number;
}

export interface Measurement {
  scenario: string;
  title: string;
  /** 'gateway', 'baseline', 'gateway x2', ... */
  target: string;
  connections: number;
  ops: number;
  failed: number;
  opsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of what is measured per operation: the gateway process(es), or this process for the baseline client. */
  cpuMsPerOp: number;
  /** Gateway CPU seconds per wall second (1.0 = one core busy); 0 for the baseline. */
  gatewayCores: number;
  simulatorCpuMsPerOp: number;
  /** This process per operation: autocannon for gateway rows, the Digest client loop for baseline rows. */
  loadGeneratorCpuMsPerOp: number;
  /** Busy cores of the whole machine during the run (out of 2), other tenants included. */
  machineBusyCores: number;
  upstreamPerOp: number;
  challengesPer1000: number;
  /** Peak RSS of the gateway process(es) during the run, MiB; null for the baseline. */
  gatewayRssPeakMiB: number | null;
}

export interface MeasureOptions {
  scenario: Scenario;
  target: string;
  connections: number;
  simulator: { origin: string; pid: number };
  /** The gateway processes whose CPU and memory count; none for the baseline. */
  gatewayPids: number[];
  /** Runs the load, after any warm-up. */
  run(): Promise<LoadResult>;
}

/** Jiffies the machine spent busy and in all, from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

const cpuOf = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

export async function measure(options: MeasureOptions): Promise<Measurement> {
  const countersBefore = await readCounters(options.simulator.origin);
  const rss = options.gatewayPids.map((pid) => sampleRss(pid));
  const before = {
    gateway: cpuOf(options.gatewayPids),
    simulator: cpuSeconds(options.simulator.pid),
    own: ownCpuSeconds(),
    machine: machineTicks(),
    at: performance.now(),
  };
  const result = await options.run();
  const after = {
    gateway: cpuOf(options.gatewayPids),
    simulator: cpuSeconds(options.simulator.pid),
    own: ownCpuSeconds(),
    machine: machineTicks(),
    at: performance.now(),
  };
  const peaks = rss.map((sampler) => sampler.stop().peakBytes);
  const counters = countersSince(countersBefore, await readCounters(options.simulator.origin));

  const ops = result.ok + result.failed;
  const perOp = (seconds: number) => (ops === 0 ? Number.NaN : round((seconds * 1000) / ops, 3));
  const wallS = (after.at - before.at) / 1000;
  const [p50, p99] = result.latencies.percentiles([50, 99]);
  const own = after.own - before.own;
  const gatewayCpu = after.gateway - before.gateway;
  return {
    scenario: options.scenario.id,
    title: options.scenario.title,
    target: options.target,
    connections: options.connections,
    ops: result.ok,
    failed: result.failed,
    opsPerS: round(result.ok / result.wallS, 1),
    p50Ms: round(p50 ?? Number.NaN, 2),
    p99Ms: round(p99 ?? Number.NaN, 2),
    cpuMsPerOp: options.gatewayPids.length > 0 ? perOp(gatewayCpu) : perOp(own),
    gatewayCores: round(gatewayCpu / wallS, 2),
    simulatorCpuMsPerOp: perOp(after.simulator - before.simulator),
    loadGeneratorCpuMsPerOp: perOp(own),
    machineBusyCores: round(
      ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total || 1)) * 2,
      2,
    ),
    upstreamPerOp: ops === 0 ? Number.NaN : round(counters.requests / ops, 3),
    challengesPer1000: counters.requests === 0 ? 0 : round((counters.challenges * 1000) / counters.requests, 2),
    gatewayRssPeakMiB: peaks.length === 0 ? null : round(peaks.reduce((sum, bytes) => sum + bytes, 0) / 2 ** 20, 1),
  };
}

/**
 * Autocannon against one or more gateways (connections split evenly). Every run is a fixed number
 * of operations, never cut off by a clock: a cut-off run cancels operations in flight, and a
 * cancelled upstream call costs the gateway a socket and, with it, Digest challenges later (see
 * the report), which would then be charged to the next scenario. So: a short calibration, a
 * warm-up of about `warmupS`, and a measured run of about `measureS`, each sized by the rate
 * of the one before.
 */
export async function measureGateway(options: {
  scenario: Scenario;
  target: string;
  connections: number;
  timing: Timing;
  simulator: { origin: string; pid: number };
  gateways: readonly { url: string; pid: number }[];
  headers: Record<string, string>;
}): Promise<Measurement> {
  const { scenario, connections, timing, gateways } = options;
  const share = Math.max(1, Math.floor(connections / gateways.length));
  const loads = gateways.map((gateway) => ({
    url: gateway.url,
    connections: share,
    bodies: scenario.bodies,
    headers: options.headers,
  }));
  const runAll = async (amountEach: number, plannedS: number) =>
    mergeResults(
      await Promise.all(
        loads.map((load) => runAutocannon(load, { amount: amountEach, durationS: plannedS, capS: plannedS * 5 + 20 })),
      ),
    );
  const amountFor = (result: LoadResult, seconds: number) =>
    Math.max(
      share * 2,
      Math.round((((result.ok + result.failed) / Math.max(result.wallS, 0.001)) * seconds) / gateways.length),
    );
  const calibration = await runAll(share * 2, 1);
  const warm = await runAll(amountFor(calibration, timing.warmupS), timing.warmupS);
  await waitForQuiet(options.simulator.origin);
  const amountEach = amountFor(warm, timing.measureS);
  return measure({
    scenario,
    target: options.target,
    connections: share * gateways.length,
    simulator: options.simulator,
    gatewayPids: gateways.map((gateway) => gateway.pid),
    run: () => runAll(amountEach, timing.measureS),
  });
}

/** The baseline loop for a scenario: a warm-up, then `measureS` of operations from this process. */
export async function measureBaseline(options: {
  scenario: Scenario;
  target?: string;
  connections: number;
  timing: Timing;
  simulator: { origin: string; pid: number };
  upstream: BaselineUpstream;
}): Promise<Measurement> {
  const operation = options.scenario.baseline(options.upstream);
  await runBaseline(operation, options.connections, options.timing.warmupS);
  return measure({
    scenario: options.scenario,
    target: options.target ?? 'baseline',
    connections: options.connections,
    simulator: options.simulator,
    gatewayPids: [],
    run: () => runBaseline(operation, options.connections, options.timing.measureS),
  });
}
