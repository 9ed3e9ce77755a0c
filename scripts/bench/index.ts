/**
 * `npm run bench [-- --short]`: the gateway's benchmark. Starts the simulator and the gateway on
 * 127.0.0.1 as child processes, loads the gateway with autocannon, does the same logical work
 * directly against the simulator with the project's Digest client, and writes a table, JSON and a
 * chart under results/bench/. Stops by itself; its children die with it. Not a test: nothing here
 * asserts on time. See `--help`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_API_KEY } from '../../src/simulator/demo-data.ts';
import { resolve } from 'node:path';
import { runAb } from './ab.ts';
import { type BenchAuth, gatewayAuth } from './auth.ts';
import { createBaselineClient } from './baseline.ts';
import { renderChart } from './chart.ts';
import type { Timing } from './measure.ts';
import {
  type BenchContext,
  mainScenarios,
  prime,
  runFanOutLatency,
  runLatency,
  runLayers,
  runMain,
  runReplicas,
  runScale,
  runSweep,
  SETTINGS,
} from './phases.ts';
import {
  installExitHandlers,
  killChildren,
  rssBytes,
  buildGateway,
  startProductionGateway,
  startSimulatorProcess,
} from './processes.ts';
import { runMemory } from './memory.ts';
import { runPeer } from './peer/phase.ts';
import { profileGateway } from './profiling.ts';
import { type BenchResults, comparisonTable, renderText } from './report.ts';
import { countersSince, readCounters } from './simulator-controls.ts';
import { round } from './stats.ts';

const HELP = `npm run bench -- [options]
  --short               CI-sized run (about 5 minutes); the default is the full run (20-25 minutes)
  --profile / --no-profile  run the gateway under --cpu-prof and summarise (default: on in full mode)
  --only LIST           phases, comma-separated: main,latency,layers,peer,memory,scale,sweep,replicas,profile
                        (memory: the production build for 100,000 operations, heap after GC between
                        blocks; with the default heap and with --max-old-space-size=128; short: 30,000
                        operations at 128 only)
  --memory-heaps LIST   the memory phase's --max-old-space-size values in MiB, comma-separated
                        ("default" for V8's own), e.g. --only memory --memory-heaps 96,64
                        (sweep and replicas run in full mode only; peer: against Hive Gateway + a Mesh
                        OpenAPI source, this gateway with read coalescing on and off)
  --auth jwt|none       how the gateway authenticates callers (default jwt: AUTH_MODE=jwt, HS256)
  --gateway-root DIR    run the gateway from another checkout (a patched copy), default: this one
  --gateway-env K=V     extra gateway environment (repeatable), e.g. UPSTREAM_MAX_IN_FLIGHT=128
  --ab DIR              A/B: the main scenarios on this checkout (A) and DIR (B), interleaved; B/A ratios
                        (with --ab, other phases run only when --only names them)
  --ab-rounds N         rounds per scenario and side in A/B mode (default 2)
  --b-env K=V           environment for B only (repeatable), e.g. NODE_OPTIONS=--max-semi-space-size=64
  --label NAME          results file name (default: short or full)
  --compare FILE        print before/after ratios against an earlier results JSON
The gateway runs its production build (npm run build first) with V8's defaults, as the peer runs;
BENCH_GATEWAY_NODE_FLAGS=image gives it the Dockerfile's flags, any other value those node flags.`;

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    profile: { type: 'boolean' },
    'no-profile': { type: 'boolean', default: false },
    only: { type: 'string' },
    auth: { type: 'string', default: 'jwt' },
    'gateway-root': { type: 'string' },
    'gateway-env': { type: 'string', multiple: true, default: [] },
    ab: { type: 'string' },
    'ab-rounds': { type: 'string', default: '2' },
    'b-env': { type: 'string', multiple: true, default: [] },
    'memory-heaps': { type: 'string' },
    label: { type: 'string' },
    compare: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
if (args.auth !== 'jwt' && args.auth !== 'none') {
  console.error(`--auth must be jwt or none, got "${args.auth}"`);
  process.exit(2);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = `${root}results/bench`;
const short = args.short ?? false;
const label = args.label ?? (short ? 'short' : 'full');
const phases = new Set(
  (args.only ?? (args.ab ? '' : 'main,latency,layers,peer,memory,scale,sweep,replicas,profile'))
    .split(',')
    .map((phase) => phase.trim()),
);
const profiling = phases.has('profile') && !args['no-profile'] && (args.profile ?? !short);
const timing: Timing = short ? { warmupS: 1, measureS: 3 } : { warmupS: 3, measureS: 10 };
const scaleTiming: Timing = short ? { warmupS: 1, measureS: 2 } : { warmupS: 2, measureS: 6 };

const envPairs = (pairs: readonly string[], option: string): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`${option} wants NAME=VALUE, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
const gatewayEnvOverrides = envPairs(args['gateway-env'] ?? [], '--gateway-env');
const bEnv = envPairs(args['b-env'] ?? [], '--b-env');

const memoryHeaps = args['memory-heaps']?.split(',').map((value) => {
  if (value.trim() === 'default') return undefined;
  const mib = Number(value);
  if (!Number.isInteger(mib) || mib < 16)
    throw new Error(`--memory-heaps wants MiB (integers ≥ 16) or "default", got "${value}"`);
  return mib;
});

const log = (line: string) => console.log(line);

/** The commit the gateway runs from, and whether its src/ has changes on top (undefined outside a git work tree). */
function sourceState(dir: string): { commit: string; changedFiles: number } | undefined {
  try {
    const git = (...gitArgs: string[]) =>
      execFileSync('git', gitArgs, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (git('rev-parse', '--show-toplevel') !== resolve(dir)) return undefined;
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      changedFiles: git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length,
    };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  installExitHandlers();
  mkdirSync(outDir, { recursive: true });
  const startedAt = Date.now();
  const auth = gatewayAuth(args.auth as BenchAuth);
  const meta = {
    label,
    mode: short ? 'short' : 'full',
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    loadAverageAtStart: loadavg().map((value) => round(value, 2)),
    gatewayRoot: args['gateway-root'] ?? '.',
    gatewaySource: sourceState(args['gateway-root'] ?? root),
    gatewayEnv: gatewayEnvOverrides,
    /** The gateway's node flags (BENCH_GATEWAY_NODE_FLAGS): none, image (the Dockerfile's), or these. */
    gatewayNodeFlags: process.env['BENCH_GATEWAY_NODE_FLAGS'] || 'none',
    ab: args.ab ? { root: args.ab, rounds: Number(args['ab-rounds']), bEnv } : undefined,
    auth: args.auth,
    timing,
    scaleTiming,
    settings: SETTINGS,
    /** The gateway's RSS once started and answering /health, before any GraphQL operation. */
    gatewayIdleRssMiB: undefined as number | undefined,
    note:
      'Load generator (autocannon or the baseline loop), gateway and simulator share the same 2 cores, with other work on the machine; ' +
      'nothing is pinned. Compare ratios within one run, not absolute figures across runs.',
  };
  log(
    `Benchmark (${meta.mode}) on ${meta.cpus} cores, node ${meta.node}, load average ${meta.loadAverageAtStart.join(' ')}`,
  );
  log(`Note: ${meta.note}`);

  const simulator = await startSimulatorProcess(root, {
    SIMULATOR_SEED_PROJECTS: String(SETTINGS.seed.projects),
    SIMULATOR_SEED_INVITATIONS: String(SETTINGS.seed.invitationsPerProject),
  });
  const gatewayEnv: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    OPS_MANAGER_BASE_URL: simulator.baseUrl,
    OPS_MANAGER_PUBLIC_KEY: DEMO_API_KEY.publicKey,
    OPS_MANAGER_PRIVATE_KEY: DEMO_API_KEY.privateKey,
    ...auth.env,
    ...gatewayEnvOverrides,
  };
  const gatewayRoot = args['gateway-root'] ?? root;
  log(
    `Building the gateway (npm run build in ${gatewayRoot}); phases but profile run dist/main.js, node flags: ${meta.gatewayNodeFlags}`,
  );
  buildGateway(gatewayRoot);
  const gateway = await startProductionGateway({ root: gatewayRoot, name: 'gateway', env: gatewayEnv });
  meta.gatewayIdleRssMiB = round(rssBytes(gateway.pid) / 2 ** 20, 1);
  const inFlight = Number(gatewayEnv['UPSTREAM_MAX_IN_FLIGHT'] ?? 32);
  const credentials = { username: DEMO_API_KEY.publicKey, password: DEMO_API_KEY.privateKey };
  const context: BenchContext = {
    simulator,
    gateway,
    root,
    gatewayRoot,
    gatewayEnv,
    headers: auth.headers,
    inFlight,
    credentials,
    baseline: createBaselineClient(simulator.baseUrl, credentials, inFlight),
    timing,
    scaleTiming,
    short,
    log,
  };
  // The whole run's Digest figures include the priming and every process start.
  const runBefore = await readCounters(simulator.origin);
  log(`Gateway RSS when idle: ${meta.gatewayIdleRssMiB} MiB`);
  log('Priming the gateway (connection pool, Digest nonces): not measured');
  await prime(context, gateway, Math.max(64, inFlight));
  log(
    `Simulator ${simulator.baseUrl} (pid ${simulator.pid}), gateway ${gateway.url} (pid ${gateway.pid}), UPSTREAM_MAX_IN_FLIGHT ${inFlight}, auth ${args.auth}\n`,
  );

  const results: BenchResults = {
    meta,
    main: [],
    latency: [],
    scaleProjects: [],
    scaleInvitations: [],
    sweep: [],
    replicas: [],
    profile: [],
    run: { upstreamRequests: 0, challenges: 0, staleChallenges: 0, challengesPer1000: 0 },
  };
  if (phases.has('main')) results.main = await runMain(context);
  if (phases.has('latency')) {
    results.latency = await runLatency(context);
    if (!short) results.fanOut = await runFanOutLatency(context);
  }
  if (phases.has('layers')) results.layers = await runLayers(context);
  if (phases.has('peer')) results.peer = await runPeer(context);
  if (phases.has('memory')) results.memory = await runMemory(context, memoryHeaps);
  if (phases.has('scale')) {
    const scale = await runScale(context);
    results.scaleProjects = scale.projects;
    results.scaleInvitations = scale.invitations;
  }
  if (phases.has('sweep') && !short) results.sweep = await runSweep(context);
  if (phases.has('replicas') && !short) results.replicas = await runReplicas(context);
  if (args.ab) results.ab = await runAb(context, resolve(args.ab), Number(args['ab-rounds']), bEnv);
  if (profiling) {
    log('\nProfiling a gateway under --cpu-prof (a separate process; the figures above are without the profiler)');
    results.profile = await profileGateway({
      root: gatewayRoot,
      env: gatewayEnv,
      headers: auth.headers,
      scenarios: mainScenarios(),
      connections: SETTINGS.connections,
      durationS: short ? 3 : 6,
      outDir: `${outDir}/profiles`,
      label,
      simulatorOrigin: simulator.origin,
    });
  }

  const run = countersSince(runBefore, await readCounters(simulator.origin));
  results.run = {
    upstreamRequests: run.requests,
    challenges: run.challenges,
    staleChallenges: run.staleChallenges,
    challengesPer1000: run.requests === 0 ? 0 : round((run.challenges * 1000) / run.requests, 3),
  };
  await context.baseline.close();
  await gateway.stop();
  await simulator.stop();

  const text = renderText(results);
  log(`\n${text}`);
  writeFileSync(`${outDir}/${label}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${outDir}/${label}.md`, `${text}\n`);
  writeFileSync(`${outDir}/${label}.svg`, renderChart(results));
  if (args.compare) {
    const before = JSON.parse(readFileSync(args.compare, 'utf8')) as BenchResults;
    const comparison = `Before (${args.compare}) and after (${label}):\n${comparisonTable(before, results)}`;
    log(`\n${comparison}`);
    writeFileSync(`${outDir}/${label}-vs-${String(before.meta['label'])}.md`, `${comparison}\n`);
  }
  log(`\nWrote ${outDir}/${label}.{json,md,svg} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
}

main()
  .catch((error: unknown) => {
    console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(() => {
    killChildren();
    // Nothing must keep the benchmark alive once it is done (an idle keep-alive socket, a timer).
    process.exit();
  });
