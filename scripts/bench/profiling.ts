/**
 * Runs a gateway under `node --cpu-prof`, loads it with each scenario in turn, stops it (the profile
 * is written on exit) and summarises the samples of each load window, then of all of them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runAutocannon } from './autocannon.ts';
import { startGatewayProcess } from './processes.ts';
import { type CpuProfile, formatSummary, type ProfileSummary, summariseProfile, type Window } from './profile.ts';
import type { Scenario } from './scenarios.ts';
import { waitForQuiet } from './simulator-controls.ts';

/** Microseconds on the monotonic clock V8 stamps profile samples with (CLOCK_MONOTONIC on Linux). */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export async function profileGateway(options: {
  root: string;
  env: Record<string, string>;
  scenarios: readonly Scenario[];
  connections: number;
  durationS: number;
  outDir: string;
  label: string;
  simulatorOrigin: string;
  headers: Record<string, string>;
}): Promise<ProfileSummary[]> {
  // tsx's module hooks run in a worker thread, which writes a profile of its own: node's default
  // names (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile) tell the main thread's (thread 0) apart.
  const scratch = `${options.outDir}/${options.label}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const file = `${options.outDir}/gateway-${options.label}.cpuprofile`;
  rmSync(file, { force: true });
  const gateway = await startGatewayProcess({
    root: options.root,
    name: 'gateway (profiled)',
    env: options.env,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', scratch],
  });
  const windows: Window[] = [];
  try {
    for (const scenario of options.scenarios) {
      const load = {
        url: gateway.url,
        connections: options.connections,
        bodies: scenario.bodies,
        headers: options.headers,
      };
      // A warm-up outside the window (the JIT's first compilations), then a fixed number of
      // operations: a run cut off by time would cancel operations in flight, and the profile
      // would show the cost of failing them (errors with stack traces, sockets re-opened).
      const calibration = await runAutocannon(load, { amount: options.connections * 2, durationS: 1, capS: 30 });
      const rate = calibration.ok / Math.max(calibration.wallS, 0.001);
      await runAutocannon(load, {
        amount: Math.max(options.connections * 2, Math.round(rate)),
        durationS: 1,
        capS: 30,
      });
      await waitForQuiet(options.simulatorOrigin);
      const amount = Math.max(options.connections * 2, Math.round(rate * options.durationS));
      const startUs = monotonicUs();
      const run = await runAutocannon(load, { amount, durationS: options.durationS, capS: options.durationS * 4 + 10 });
      windows.push({ name: scenario.id, startUs, endUs: monotonicUs() });
      if (run.failed > 0) console.log(`  ${scenario.id}: ${run.failed} operations failed under the profiler`);
    }
  } finally {
    await gateway.stop();
  }
  const mainThread = new RegExp(`\\.${gateway.pid}\\.0\\.\\d+\\.cpuprofile$`);
  for (let waited = 0; waited < 5_000; waited += 100) {
    const written = readdirSync(scratch).find((name) => mainThread.test(name));
    if (written !== undefined) {
      renameSync(`${scratch}/${written}`, file);
      break;
    }
    await sleep(100);
  }
  rmSync(scratch, { recursive: true, force: true });
  if (!existsSync(file)) {
    console.log(`  no profile was written (${file})`);
    return [];
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const first = windows[0];
  const last = windows.at(-1);
  if (first === undefined || last === undefined) return [];
  // If the clocks did not match, no sample would fall in a window: then say so and use them all.
  const inWindows =
    profile.samples.length > 0 &&
    first.startUs >= profile.startTime - 1_000_000 &&
    last.endUs <= profile.endTime + 1_000_000;
  if (!inWindows)
    console.log('  profile timestamps do not line up with the load windows: summarising the whole profile');
  const summaries = inWindows
    ? [
        ...windows.map((window) => summariseProfile(profile, [window], 40)),
        summariseProfile(profile, windows, 40, 'all scenarios'),
      ]
    : [summariseProfile(profile, [], 40)];
  for (const summary of summaries) console.log(formatSummary(summary));
  console.log(`  profile: ${file} (open it in Chrome DevTools or speedscope)`);
  return summaries;
}
