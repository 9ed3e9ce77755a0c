/**
 * Summarises a V8 .cpuprofile (what `node --cpu-prof` writes) by self time: the hottest functions
 * and the packages they belong to. Samples can be limited to time windows (the load phases), so the
 * start-up's module loading and TypeScript transpiling do not count.
 *
 * Standalone: `tsx scripts/bench/profile.ts results/bench/profiles/gateway.cpuprofile [top]`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  /** Microseconds, on the same monotonic clock as process.hrtime on Linux. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A time window in microseconds of the monotonic clock (process.hrtime.bigint() / 1000). */
export interface Window {
  name: string;
  startUs: number;
  endUs: number;
}

export interface HotSpot {
  name: string;
  /** package or file: 'graphql', 'undici', 'src/ops-manager/client.ts', '(garbage collector)', ... */
  category: string;
  selfMs: number;
  /** Share of the busy (non-idle) time in the window. */
  percent: number;
}

export interface ProfileSummary {
  window: string;
  wallMs: number;
  busyMs: number;
  functions: HotSpot[];
  categories: HotSpot[];
}

/** Where a frame's code comes from: an npm package, one of the project's files, node itself, or V8. */
export function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(V8 builtins and native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name ?? ''}` : (scope ?? url);
  }
  const src = url.lastIndexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
}

function locationOf(frame: CallFrame): string {
  const category = categoryOf(frame);
  if (frame.url === '') return frame.functionName || '(anonymous)';
  const file = frame.url.slice(frame.url.lastIndexOf('/') + 1);
  return `${frame.functionName || '(anonymous)'} ${category === file ? '' : `${category} `}${file}:${frame.lineNumber + 1}`;
}

/** Self time by function and by category, over the samples inside `windows` (all of them without any). */
export function summariseProfile(
  profile: CpuProfile,
  windows: readonly Window[] = [],
  top = 20,
  name?: string,
): ProfileSummary {
  const inside = (time: number) =>
    windows.length === 0 || windows.some((window) => time >= window.startUs && time < window.endUs);
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, { frame: CallFrame; us: number }>();
  const byCategory = new Map<string, number>();
  let busyUs = 0;
  let time = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    time += profile.timeDeltas[index] ?? 0;
    // A sample stands for the time until the next one.
    const duration = profile.timeDeltas[index + 1] ?? 0;
    if (!inside(time)) continue;
    const frame = frames.get(profile.samples[index] ?? -1);
    if (!frame || frame.functionName === '(idle)') continue;
    busyUs += duration;
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}`;
    const entry = byFunction.get(key) ?? { frame, us: 0 };
    entry.us += duration;
    byFunction.set(key, entry);
    const category = categoryOf(frame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + duration);
  }
  const percent = (us: number) => (busyUs === 0 ? 0 : Math.round((us / busyUs) * 1000) / 10);
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    window: name ?? (windows.map((window) => window.name).join(' + ') || 'whole profile'),
    wallMs: ms(
      windows.length === 0
        ? profile.endTime - profile.startTime
        : windows.reduce((sum, window) => sum + window.endUs - window.startUs, 0),
    ),
    busyMs: ms(busyUs),
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ frame, us }) => ({
        name: locationOf(frame),
        category: categoryOf(frame),
        selfMs: ms(us),
        percent: percent(us),
      })),
    categories: [...byCategory.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([category, us]) => ({ name: category, category, selfMs: ms(us), percent: percent(us) })),
  };
}

export function formatSummary(summary: ProfileSummary, topFunctions = 15, topCategories = 12): string {
  const lines = [
    `${summary.window}: ${summary.busyMs} ms busy of ${summary.wallMs} ms`,
    '  self time by package/file:',
  ];
  for (const hot of summary.categories.slice(0, topCategories))
    lines.push(`    ${String(hot.percent).padStart(5)}%  ${hot.name}`);
  lines.push('  hottest functions (self time):');
  for (const hot of summary.functions.slice(0, topFunctions))
    lines.push(`    ${String(hot.percent).padStart(5)}%  ${hot.name}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: tsx scripts/bench/profile.ts FILE.cpuprofile [top]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(formatSummary(summariseProfile(profile, [], Number(top ?? 25)), Number(top ?? 25), 20));
}
