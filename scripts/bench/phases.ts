/** The benchmark's phases, each a list of measurements against the processes index.ts started. */
import { runAutocannon } from './autocannon.ts';
import { type BaselineClient, createBaselineClient } from './baseline.ts';
import { measureBaseline, measureGateway, type Measurement, type Timing } from './measure.ts';
import type { LayerFigures } from './layers.ts';
import {
  type GatewayProcess,
  runScript,
  type SimulatorProcess,
  startGatewayProcess,
  startProductionGateway,
} from './processes.ts';
import type { LatencyFigures } from './report.ts';
import { aliases, manyProjects, preflight, type Scenario, singleProject, updateRoles } from './scenarios.ts';
import { reseed, setLatency, waitForQuiet } from './simulator-controls.ts';
import { round } from './stats.ts';

export const SETTINGS = {
  connections: 32,
  latencyConnections: 64,
  latencyMs: 20,
  scaleConnections: 16,
  /**
   * Fewer for long lists: the simulator renders 10,000 invitations (2.5 MB) per call on one
   * thread, and 16 at once would pass the gateway's 10 s upstream timeout on a busy machine.
   */
  invitationScaleConnections: 4,
  seed: { projects: 100, invitationsPerProject: 10 },
  tunedInFlight: 128,
  sweepConnections: [1, 4, 16, 64, 256],
} as const;

export interface BenchContext {
  simulator: SimulatorProcess;
  gateway: GatewayProcess;
  /** This checkout (the benchmark's own scripts). */
  root: string;
  /** Where the gateway runs from, and its environment: to start more like it. */
  gatewayRoot: string;
  gatewayEnv: Record<string, string>;
  /** Sent with every GraphQL request (the bearer token). */
  headers: Record<string, string>;
  /** The gateway's UPSTREAM_MAX_IN_FLIGHT: the baseline gets the same cap and pool. */
  inFlight: number;
  credentials: { username: string; password: string };
  baseline: BaselineClient;
  timing: Timing;
  scaleTiming: Timing;
  /** CI-sized: the slowest measurements (10,000 invitations per project) are left out. */
  short: boolean;
  log(line: string): void;
}

/**
 * Brings a fresh gateway's upstream side to its steady state before anything is measured: its
 * keep-alive pool grows one connection per round trip, and under load its Digest client may
 * switch from one shared nonce to one nonce per connection (one challenge each). Both happen
 * once per process; a fixed number of operations at high concurrency gets them done.
 */
export async function prime(
  context: Pick<BenchContext, 'headers' | 'simulator'>,
  gateway: GatewayProcess,
  connections = 64,
): Promise<void> {
  const load = { url: gateway.url, connections, bodies: aliases().bodies, headers: context.headers };
  await runAutocannon(load, { amount: connections * 4, durationS: 5, capS: 120 });
  await waitForQuiet(context.simulator.origin);
}

export const mainScenarios = (): Scenario[] => [singleProject(), aliases(), manyProjects(50), updateRoles()];

function progress(context: BenchContext, row: Measurement): Measurement {
  context.log(
    `  ${row.scenario.padEnd(16)} ${row.target.padEnd(22)} ${String(row.opsPerS).padStart(8)} ops/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms  ` +
      `CPU ${row.cpuMsPerOp} ms/op  upstream/op ${row.upstreamPerOp}${row.failed ? `  FAILED ${row.failed}` : ''}`,
  );
  return row;
}

function onGateways(
  context: BenchContext,
  gateways: readonly GatewayProcess[],
  scenario: Scenario,
  target: string,
  connections: number,
  timing: Timing,
) {
  return measureGateway({
    scenario,
    target,
    connections,
    timing,
    simulator: context.simulator,
    gateways: gateways.map((gateway) => ({ url: gateway.url, pid: gateway.pid })),
    headers: context.headers,
  }).then((row) => progress(context, row));
}

/** The four scenarios, each on the gateway and then as the baseline, at the same concurrency. */
export async function runMain(context: BenchContext): Promise<Measurement[]> {
  const { connections } = SETTINGS;
  context.log(
    `Main scenarios: ${connections} connections, ${context.timing.warmupS} s warm-up, ~${context.timing.measureS} s measured, gateway then baseline`,
  );
  const rows: Measurement[] = [];
  for (const scenario of mainScenarios()) {
    await preflight(scenario, context.gateway.url, SETTINGS.seed.invitationsPerProject, context.headers);
    rows.push(await onGateways(context, [context.gateway], scenario, 'gateway', connections, context.timing));
    const base = await measureBaseline({
      scenario,
      connections,
      timing: context.timing,
      simulator: context.simulator,
      upstream: context.baseline,
    });
    rows.push(progress(context, base));
  }
  return rows;
}

/** The ceilings of scripts/bench/ceiling.ts, from this checkout whatever --gateway-root says. */
const CEILINGS = [
  { mode: 'yoga', target: 'ceiling: bare graphql-yoga' },
  { mode: 'http', target: 'ceiling: bare node:http' },
] as const;

/**
 * Single project query with a fixed upstream latency: the gateway at 64 connections and at one
 * (its own latency, no queue in front of it), the baseline alike, and in full runs a second
 * gateway with a wider in-flight cap. Then the ceilings, at the same two concurrencies: the
 * same answer after the same wait from bare graphql-yoga and from bare node:http, which say how
 * much of the ideal this machine leaves to any GraphQL server on this framework.
 */
export async function runLatency(context: BenchContext): Promise<LatencyFigures[]> {
  const { latencyConnections: connections, latencyMs, tunedInFlight } = SETTINGS;
  const ideal = connections / (latencyMs / 1000);
  context.log(
    `\nFixed upstream latency ${latencyMs} ms, ${connections} connections, single project query (ideal ${ideal} ops/s)`,
  );
  const scenario = singleProject();
  const tuned = context.short
    ? undefined
    : await startProductionGateway({
        root: context.gatewayRoot,
        name: 'gateway (tuned)',
        env: { ...context.gatewayEnv, UPSTREAM_MAX_IN_FLIGHT: String(tunedInFlight) },
      });
  const wide = createBaselineClient(context.simulator.baseUrl, context.credentials, tunedInFlight);
  await setLatency(context.simulator.origin, latencyMs);
  try {
    // Primed with the latency on: requests overlapping for 20 ms are where a shared nonce meets
    // counts out of order, and the Digest client's switch to one nonce per connection belongs
    // to the priming, not to the measurement.
    if (tuned) await prime(context, tuned, tunedInFlight);
    // The pools grow one connection per 20 ms round trip: a longer warm-up than elsewhere.
    const timing = { ...context.timing, warmupS: Math.max(context.short ? 2 : 3, context.timing.warmupS) };
    const baseline = (concurrency: number) =>
      measureBaseline({
        scenario,
        target: `baseline (pool ${tunedInFlight})`,
        connections: concurrency,
        timing,
        simulator: context.simulator,
        upstream: wide,
      }).then((row) => progress(context, row));
    const configured = `gateway (in-flight ${context.inFlight})`;
    const rows = [await onGateways(context, [context.gateway], scenario, configured, connections, timing)];
    if (tuned)
      rows.push(
        await onGateways(context, [tuned], scenario, `gateway (in-flight ${tunedInFlight})`, connections, timing),
      );
    rows.push(await baseline(connections));
    rows.push(await onGateways(context, [context.gateway], scenario, configured, 1, timing));
    rows.push(await baseline(1));
    for (const { mode, target } of CEILINGS) {
      const ceiling = await startGatewayProcess({
        root: context.root,
        name: target,
        script: 'scripts/bench/ceiling.ts',
        env: { CEILING: mode, LATENCY_MS: String(latencyMs) },
      });
      try {
        for (const concurrency of [connections, 1])
          rows.push(await onGateways(context, [ceiling], scenario, target, concurrency, timing));
      } finally {
        await ceiling.stop();
      }
    }
    return rows.map((row) => ({
      row,
      percentOfIdeal: round((row.opsPerS / (row.connections / (latencyMs / 1000))) * 100, 1),
      p50OverheadMs: round(row.p50Ms - latencyMs, 2),
    }));
  } finally {
    await setLatency(context.simulator.origin, 0);
    await wide.close();
    await tuned?.stop();
  }
}

/**
 * The in-flight cap against a slow upstream: projects(ids) for 50 projects with 100 ms per call.
 * By Little's law a cap of N calls in flight allows N / 100 ms calls per second, whatever the CPU:
 * this is where UPSTREAM_MAX_IN_FLIGHT, not CPU, sets the ceiling.
 */
export async function runFanOutLatency(context: BenchContext): Promise<FanOutFigures[]> {
  const { tunedInFlight, connections } = SETTINGS;
  const latencyMs = 100;
  const scenario = manyProjects(50);
  context.log(
    `\nFixed upstream latency ${latencyMs} ms, projects(ids) for 50 projects, ${connections} connections: the in-flight cap`,
  );
  const tuned = await startProductionGateway({
    root: context.gatewayRoot,
    name: 'gateway (tuned)',
    env: { ...context.gatewayEnv, UPSTREAM_MAX_IN_FLIGHT: String(tunedInFlight) },
  });
  await setLatency(context.simulator.origin, latencyMs);
  try {
    await prime(context, tuned, tunedInFlight);
    const timing = { ...context.timing, warmupS: Math.max(3, context.timing.warmupS) };
    const figures: FanOutFigures[] = [];
    for (const [gateway, inFlight] of [
      [context.gateway, context.inFlight],
      [tuned, tunedInFlight],
    ] as const) {
      const row = await onGateways(
        context,
        [gateway],
        scenario,
        `gateway (in-flight ${inFlight})`,
        connections,
        timing,
      );
      figures.push({
        row,
        inFlight,
        latencyMs,
        upstreamPerS: round(row.opsPerS * row.upstreamPerOp, 1),
        capBoundPerS: inFlight / (latencyMs / 1000),
      });
    }
    return figures;
  } finally {
    await setLatency(context.simulator.origin, 0);
    await tuned.stop();
  }
}

export interface FanOutFigures {
  row: Measurement;
  inFlight: number;
  latencyMs: number;
  /** Upstream calls per second achieved. */
  upstreamPerS: number;
  /** The most the cap allows: in-flight / latency. */
  capBoundPerS: number;
}

/** CPU per operation and RSS as projects per operation (1, 10, 100) and invitations per project (10 to 10,000) grow. */
export async function runScale(
  context: BenchContext,
): Promise<{ projects: Measurement[]; invitations: Measurement[] }> {
  const { scaleConnections: connections, invitationScaleConnections, seed } = SETTINGS;
  context.log(
    `\nScale: ${connections} connections (projects), ${invitationScaleConnections} (invitations), gateway only`,
  );
  const projects: Measurement[] = [];
  for (const count of [1, 10, 100]) {
    const scenario = manyProjects(count, `projects=${count}`);
    await preflight(scenario, context.gateway.url, seed.invitationsPerProject, context.headers);
    projects.push(await onGateways(context, [context.gateway], scenario, 'gateway', connections, context.scaleTiming));
  }
  const invitations: Measurement[] = [];
  try {
    for (const count of context.short ? [10, 1_000] : [10, 1_000, 10_000]) {
      await reseed(context.simulator.origin, { projects: 1, invitationsPerProject: count });
      const scenario = singleProject(0, `invitations=${count}`, `single project with ${count} invitations`);
      await preflight(scenario, context.gateway.url, count, context.headers);
      invitations.push(
        await onGateways(
          context,
          [context.gateway],
          scenario,
          'gateway',
          invitationScaleConnections,
          context.scaleTiming,
        ),
      );
    }
  } finally {
    await reseed(context.simulator.origin, seed);
  }
  return { projects, invitations };
}

/** Single project query at rising concurrency: where one gateway process tops out. */
export async function runSweep(context: BenchContext): Promise<Measurement[]> {
  context.log('\nConcurrency sweep (single project query): where one gateway process tops out');
  const rows: Measurement[] = [];
  for (const connections of SETTINGS.sweepConnections) {
    rows.push(
      await onGateways(context, [context.gateway], singleProject(), 'gateway', connections, context.scaleTiming),
    );
  }
  return rows;
}

/** One gateway process against two on their own ports (what cluster or two replicas would give on this machine). */
export async function runReplicas(context: BenchContext): Promise<Measurement[]> {
  const connections = SETTINGS.latencyConnections;
  context.log(`\nOne gateway process against two (each its own port, connections split), ${connections} connections`);
  const second = await startProductionGateway({
    root: context.gatewayRoot,
    name: 'gateway 2',
    env: context.gatewayEnv,
  });
  await prime(context, second, context.inFlight);
  const rows: Measurement[] = [];
  try {
    for (const scenario of [singleProject(), aliases()]) {
      rows.push(await onGateways(context, [context.gateway], scenario, 'gateway x1', connections, context.scaleTiming));
      rows.push(
        await onGateways(context, [context.gateway, second], scenario, 'gateway x2', connections, context.scaleTiming),
      );
    }
  } finally {
    await second.stop();
  }
  return rows;
}

/**
 * One single-project operation, layer by layer, in a fresh process of its own (scripts/bench/layers.ts):
 * the Digest call, the REST client, bare graphql-yoga, the gateway answering from memory, the
 * gateway through to the simulator, and the same over HTTP.
 */
export async function runLayers(context: BenchContext): Promise<LayerFigures[]> {
  const rounds = context.short ? 3 : 5;
  context.log(`\nLayers of one single-project operation, in process, 8 at a time (${rounds} rounds, medians)`);
  const output = await runScript(context.root, 'scripts/bench/layers.ts', {
    SIMULATOR_URL: context.simulator.baseUrl,
    ROUNDS: String(rounds),
    OPERATIONS: String(context.short ? 2_000 : 4_000),
  });
  // The gateway's own log lines (warnings) are JSON on the same stdout: keep the figures only.
  const figures = output
    .split('\n')
    .filter((line) => line.startsWith('{"layer"'))
    .map((line) => JSON.parse(line) as LayerFigures);
  for (const row of figures) context.log(`  ${row.layer.padEnd(16)} CPU ${row.cpuMsPerOp} ms/op  ${row.opsPerS} ops/s`);
  return figures;
}
