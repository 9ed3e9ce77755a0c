/**
 * The memory phase: the production build (`dist/main.js`, NODE_ENV=production) under sustained
 * load, in blocks of operations, with the heap measured after a forced GC between blocks. The
 * gateway runs with --expose-gc and scripts/bench/gc-probe.mjs preloaded (a loopback listener of
 * the benchmark's own: the gateway has no way to force a GC). Each operation reads one project,
 * spread over the 100 seeded ones; every tenth is 30 aliases over 10 projects and every tenth a
 * mutation. The same load runs twice: with V8's default heap limit, and with
 * --max-old-space-size=128 (it must finish with no failed operation and no crash).
 */
import { pathToFileURL } from 'node:url';
import { productionNodeFlags } from '../lib/production-node-flags.ts';
import { runAutocannon } from './autocannon.ts';
import { SETTINGS, type BenchContext } from './phases.ts';
import { type GatewayProcess, rssBytes, sampleRss, startGatewayProcess } from './processes.ts';
import { aliases, singleProject, updateRoles } from './scenarios.ts';
import { round } from './stats.ts';

/** One reading, taken between blocks of operations, after a full GC. */
export interface MemorySample {
  operations: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** Highest RSS seen while the block ran (sampled every 100 ms). */
  peakRssMiB: number;
}

export interface MemoryRun {
  label: string;
  /** --max-old-space-size, MiB; undefined: V8's default. */
  maxOldSpaceMiB: number | undefined;
  operations: number;
  failed: number;
  opsPerS: number;
  /** Undefined when the process was alive at the end; otherwise how it ended (exit code or signal). */
  crashed: string | undefined;
  samples: MemorySample[];
  /** Heap after GC: least-squares slope over the blocks after the first (warm-up), MiB per 10,000 operations (whatever the block size). */
  heapSlopeMiBPer10k: number;
  peakRssMiB: number;
}

export interface MemoryResults {
  connections: number;
  operationsPerRun: number;
  blockSize: number;
  mix: string;
  runs: MemoryRun[];
}

/** The slope's unit: MiB of heap after GC per this many operations. */
const PER = 10_000;
const MiB = 2 ** 20;

/** 100 single-project reads, one per seeded project; after every ten, a 30-alias read and a mutation. */
function mixedBodies(): string[] {
  const mutations = updateRoles().bodies;
  const alias = aliases().bodies[0]!;
  const bodies: string[] = [];
  for (let project = 0; project < SETTINGS.seed.projects; project += 1) {
    bodies.push(singleProject(project).bodies[0]!);
    if (project % 10 === 9) bodies.push(alias, mutations[Math.floor(project / 10) % mutations.length]!);
  }
  return bodies;
}

async function probe(url: string): Promise<{ rss: number; heapUsed: number }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return (await response.json()) as { rss: number; heapUsed: number };
}

async function check(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok || text.startsWith('{"errors"'))
    throw new Error(`memory: unexpected answer ${response.status} ${text.slice(0, 300)} to ${body.slice(0, 200)}`);
}

function slope(samples: readonly MemorySample[]): number {
  const points = samples.slice(1);
  if (points.length < 2) return Number.NaN;
  const meanX = points.reduce((sum, point) => sum + point.operations, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.heapUsedMiB, 0) / points.length;
  let numerator = 0;
  let denominator = 0;
  for (const point of points) {
    numerator += (point.operations - meanX) * (point.heapUsedMiB - meanY);
    denominator += (point.operations - meanX) ** 2;
  }
  return (numerator / denominator) * PER;
}

async function runOnce(
  context: BenchContext,
  bodies: string[],
  plan: { operations: number; block: number },
  maxOldSpaceMiB: number | undefined,
): Promise<MemoryRun> {
  const { operations, block } = plan;
  const label = maxOldSpaceMiB === undefined ? 'default heap' : `--max-old-space-size=${maxOldSpaceMiB}`;
  const gateway: GatewayProcess = await startGatewayProcess({
    root: context.gatewayRoot,
    name: `gateway (memory, ${label})`,
    env: context.gatewayEnv,
    tsx: false,
    script: 'dist/main.js',
    nodeArgs: [
      '--expose-gc',
      // Production's V8 flags (the Dockerfile's), but the old space's cap, which is what this phase varies.
      ...productionNodeFlags(
        pathToFileURL(context.gatewayRoot.endsWith('/') ? context.gatewayRoot : `${context.gatewayRoot}/`),
      ).filter((flag) => !flag.startsWith('--max-old-space-size=')),
      ...(maxOldSpaceMiB === undefined ? [] : [`--max-old-space-size=${maxOldSpaceMiB}`]),
      '--import',
      `${context.root}scripts/bench/gc-probe.mjs`,
    ],
  });
  try {
    const port = /gc-probe listening: (\d+)/.exec(gateway.output())?.[1];
    if (port === undefined) throw new Error(`the gateway did not start gc-probe:\n${gateway.output()}`);
    const probeUrl = `http://127.0.0.1:${port}/`;
    const read = async (done: number, peak: number): Promise<MemorySample> => {
      const usage = await probe(probeUrl);
      return {
        operations: done,
        rssMiB: round(usage.rss / MiB, 1),
        heapUsedMiB: round(usage.heapUsed / MiB, 1),
        peakRssMiB: round(Math.max(peak, usage.rss) / MiB, 1),
      };
    };
    // Each kind of operation once, in full, before the load (a wrong seed or token fails here).
    for (const body of bodies.slice(0, 12)) await check(gateway.url, body, context.headers);
    const samples = [await read(0, rssBytes(gateway.pid))];
    context.log(`  ${label}: start RSS ${samples[0]!.rssMiB} MiB, heap after GC ${samples[0]!.heapUsedMiB} MiB`);
    let done = 0;
    let failed = 0;
    let wallS = 0;
    let crashed: string | undefined;
    while (done < operations) {
      const amount = Math.min(block, operations - done);
      const rss = sampleRss(gateway.pid);
      const load = await runAutocannon(
        { url: gateway.url, connections: SETTINGS.connections, bodies, headers: context.headers },
        { amount, durationS: 0, capS: 300 },
      );
      const peak = rss.stop().peakBytes;
      done += load.ok + load.failed;
      failed += load.failed;
      wallS += load.wallS;
      crashed = gateway.exited();
      if (crashed !== undefined) break;
      const sample = await read(done, peak);
      samples.push(sample);
      context.log(
        `  ${label}: ${done} operations, RSS ${sample.rssMiB} MiB (peak ${sample.peakRssMiB}), heap after GC ${sample.heapUsedMiB} MiB, failed ${failed}`,
      );
    }
    if (crashed !== undefined)
      context.log(
        `  ${label}: the gateway died (${crashed}) after about ${done} operations:\n${gateway.output().slice(-2_000)}`,
      );
    return {
      label,
      maxOldSpaceMiB,
      operations: done,
      failed,
      opsPerS: round(done / wallS, 0),
      crashed,
      samples,
      heapSlopeMiBPer10k: round(slope(samples), 2),
      peakRssMiB: Math.max(...samples.map((sample) => sample.peakRssMiB)),
    };
  } finally {
    await gateway.stop();
  }
}

/** `heaps`: the --max-old-space-size of each run (undefined: V8's default). @default full: default and 128; short: 128 */
export async function runMemory(
  context: BenchContext,
  heaps?: readonly (number | undefined)[],
): Promise<MemoryResults> {
  // Short: enough blocks for a slope, in about a minute; full: the 100,000 operations the limit must hold for.
  const plan = context.short ? { operations: 30_000, block: 5_000 } : { operations: 100_000, block: 10_000 };
  const { operations } = plan;
  const bodies = mixedBodies();
  const limits = heaps ?? (context.short ? [128] : [undefined, 128]);
  context.log(
    `\nMemory: the production build (built when the benchmark starts; node dist/main.js with the Dockerfile's V8 flags), ${operations} operations per run in blocks of ${plan.block}, ` +
      `${SETTINGS.connections} connections; heap after a forced GC between blocks; runs: ${limits.map((limit) => limit ?? 'default heap').join(', ')}`,
  );
  const runs: MemoryRun[] = [];
  for (const limit of limits) runs.push(await runOnce(context, bodies, plan, limit));
  return {
    connections: SETTINGS.connections,
    operationsPerRun: operations,
    blockSize: plan.block,
    mix: 'each connection cycles through 120 bodies: 100 single-project reads (one per project), 10 reads of 30 aliases over 10 projects, 10 updateInvitationRoles',
    runs,
  };
}

export function memoryText(results: MemoryResults): string {
  const lines = [
    `Memory (production build, ${results.operationsPerRun} operations per run, ${results.connections} connections; ${results.mix})`,
    '| run | operations | failed | ops/s | crashed | RSS start | RSS end | peak RSS | heap after GC: start | after the first block | end | slope per 10k ops |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const run of results.runs) {
    const first = run.samples[0];
    const second = run.samples[1];
    const last = run.samples.at(-1);
    lines.push(
      `| ${run.label} | ${run.operations} | ${run.failed} | ${run.opsPerS} | ${run.crashed ?? 'no'} | ${first?.rssMiB} MiB | ${last?.rssMiB} MiB | ${run.peakRssMiB} MiB | ` +
        `${first?.heapUsedMiB} MiB | ${second?.heapUsedMiB ?? '-'} MiB | ${last?.heapUsedMiB} MiB | ${run.heapSlopeMiBPer10k} MiB |`,
    );
  }
  return lines.join('\n');
}
