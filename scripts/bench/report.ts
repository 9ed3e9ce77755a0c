/** The benchmark's tables, as text for the terminal (and the README). */
import { type AbRow, abTable } from './ab.ts';
import type { Measurement } from './measure.ts';
import type { LayerFigures } from './layers.ts';
import type { FanOutFigures } from './phases.ts';
import { memoryText, type MemoryResults } from './memory.ts';
import type { PeerResults } from './peer/phase.ts';
import { peerText } from './peer/report.ts';
import type { ProfileSummary } from './profile.ts';
import { ratio, round } from './stats.ts';
import { type Column, table } from './table.ts';

export { table };

export interface LatencyFigures {
  row: Measurement;
  /** Ops/s as a percentage of connections / latency, the most a client can get. */
  percentOfIdeal: number;
  /** p50 minus the simulator's fixed latency. */
  p50OverheadMs: number;
}

export interface BenchResults {
  meta: Record<string, unknown>;
  main: Measurement[];
  latency: LatencyFigures[];
  scaleProjects: Measurement[];
  scaleInvitations: Measurement[];
  sweep: Measurement[];
  replicas: Measurement[];
  profile: ProfileSummary[];
  /** One single-project operation, layer by layer, in process. */
  layers?: LayerFigures[];
  /** --ab runs only. */
  ab?: AbRow[];
  /** Full runs: the in-flight cap at 100 ms upstream latency. */
  fanOut?: FanOutFigures[];
  /** This gateway against Hive Gateway + a Mesh OpenAPI source (scripts/bench/peer/). */
  peer?: PeerResults;
  /** The production build under sustained load, heap after GC between blocks (memory.ts). */
  memory?: MemoryResults;
  run: { upstreamRequests: number; challenges: number; staleChallenges: number; challengesPer1000: number };
}

export const measurementColumns: Column<Measurement>[] = [
  ['scenario', (row) => row.scenario],
  ['target', (row) => row.target],
  ['conns', (row) => row.connections],
  ['ops/s', (row) => row.opsPerS],
  ['p50 ms', (row) => row.p50Ms],
  ['p99 ms', (row) => row.p99Ms],
  ['CPU ms/op', (row) => row.cpuMsPerOp],
  ['sim ms/op', (row) => row.simulatorCpuMsPerOp],
  ['loadgen ms/op', (row) => row.loadGeneratorCpuMsPerOp],
  ['upstream/op', (row) => row.upstreamPerOp],
  ['chal/1k', (row) => row.challengesPer1000],
  ['gw cores', (row) => (row.target === 'baseline' ? null : row.gatewayCores)],
  ['machine cores', (row) => row.machineBusyCores],
  ['gw RSS MiB', (row) => row.gatewayRssPeakMiB],
  ['failed', (row) => row.failed],
];

/** Gateway against baseline, scenario by scenario. */
export function ratioTable(rows: readonly Measurement[]): string {
  const pairs = [...new Set(rows.map((row) => row.scenario))].flatMap((scenario) => {
    const gateway = rows.find((row) => row.scenario === scenario && row.target === 'gateway');
    const baseline = rows.find((row) => row.scenario === scenario && row.target === 'baseline');
    return gateway && baseline ? [{ scenario, gateway, baseline }] : [];
  });
  return table(pairs, [
    ['scenario', (pair) => pair.scenario],
    ['ops/s gw/base', (pair) => ratio(pair.gateway.opsPerS, pair.baseline.opsPerS)],
    ['p50 gw/base', (pair) => ratio(pair.gateway.p50Ms, pair.baseline.p50Ms)],
    ['p99 gw/base', (pair) => ratio(pair.gateway.p99Ms, pair.baseline.p99Ms)],
    ['CPU/op gw/base', (pair) => ratio(pair.gateway.cpuMsPerOp, pair.baseline.cpuMsPerOp)],
    ['upstream/op gw', (pair) => pair.gateway.upstreamPerOp],
    ['upstream/op base', (pair) => pair.baseline.upstreamPerOp],
  ]);
}

export function latencyTable(rows: readonly LatencyFigures[]): string {
  return table(rows, [
    ['target', (figures) => figures.row.target],
    ['conns', (figures) => figures.row.connections],
    ['ops/s', (figures) => figures.row.opsPerS],
    ['% of ideal', (figures) => figures.percentOfIdeal],
    ['p50 ms', (figures) => figures.row.p50Ms],
    ['p50 overhead ms', (figures) => figures.p50OverheadMs],
    ['p99 ms', (figures) => figures.row.p99Ms],
    ['CPU ms/op', (figures) => figures.row.cpuMsPerOp],
    ['upstream/op', (figures) => figures.row.upstreamPerOp],
    ['chal/1k', (figures) => figures.row.challengesPer1000],
  ]);
}

export function scaleTable(rows: readonly Measurement[], label: string, amount: (row: Measurement) => number): string {
  const first = rows[0];
  return table(rows, [
    [label, (row) => amount(row)],
    ['ops/s', (row) => row.opsPerS],
    ['p50 ms', (row) => row.p50Ms],
    ['p99 ms', (row) => row.p99Ms],
    ['gw CPU ms/op', (row) => row.cpuMsPerOp],
    ['x first', (row) => (first ? ratio(row.cpuMsPerOp, first.cpuMsPerOp) : null)],
    ['gw cores', (row) => row.gatewayCores],
    ['gw RSS peak MiB', (row) => row.gatewayRssPeakMiB],
    ['upstream/op', (row) => row.upstreamPerOp],
    ['chal/1k', (row) => row.challengesPer1000],
    ['failed', (row) => row.failed],
  ]);
}

/** Before/after: the same rows of two result files. */
export function comparisonTable(before: BenchResults, after: BenchResults): string {
  const key = (row: Measurement) => `${row.scenario} ${row.target} ${row.connections}`;
  const all = (results: BenchResults) => [
    ...results.main,
    ...results.latency.map((figures) => figures.row),
    ...results.scaleProjects,
    ...results.scaleInvitations,
    ...results.sweep,
    ...results.replicas,
  ];
  const old = new Map(all(before).map((row) => [key(row), row]));
  const pairs = all(after).flatMap((row) => {
    const previous = old.get(key(row));
    return previous ? [{ row, previous }] : [];
  });
  return table(pairs, [
    ['scenario', (pair) => pair.row.scenario],
    ['target', (pair) => pair.row.target],
    ['ops/s before', (pair) => pair.previous.opsPerS],
    ['ops/s after', (pair) => pair.row.opsPerS],
    ['ops/s after/before', (pair) => ratio(pair.row.opsPerS, pair.previous.opsPerS)],
    ['CPU ms/op before', (pair) => pair.previous.cpuMsPerOp],
    ['CPU ms/op after', (pair) => pair.row.cpuMsPerOp],
    ['CPU after/before', (pair) => ratio(pair.row.cpuMsPerOp, pair.previous.cpuMsPerOp)],
    ['p50 before', (pair) => pair.previous.p50Ms],
    ['p50 after', (pair) => pair.row.p50Ms],
  ]);
}

const PROFILE_CATEGORIES = [
  'graphql',
  'graphql-yoga',
  '@graphql-tools/executor',
  '@whatwg-node/server',
  'undici',
  'zod',
  '@envelop/prometheus',
  'node:internal',
  '(garbage collector)',
] as const;

/** All the tables of a run, as the terminal shows them and results/bench/<label>.md keeps them. */
export function renderText(results: BenchResults): string {
  const settings = results.meta['settings'] as {
    connections: number;
    latencyConnections: number;
    latencyMs: number;
    scaleConnections: number;
    invitationScaleConnections: number;
    seed: { invitationsPerProject: number };
  };
  const amountOf = (row: Measurement) => Number(row.scenario.split('=')[1]);
  const sections = [`${String(results.meta['note'])}`];
  if (results.meta['gatewayIdleRssMiB'] !== undefined) {
    sections.push(
      `Gateway RSS when idle (started, before any operation): ${String(results.meta['gatewayIdleRssMiB'])} MiB`,
    );
  }
  if (results.main.length > 0) {
    sections.push(`Main scenarios (${settings.connections} connections)\n${table(results.main, measurementColumns)}`);
    sections.push(`Gateway / baseline\n${ratioTable(results.main)}`);
  }
  if (results.latency.length > 0) {
    sections.push(
      `Upstream latency ${settings.latencyMs} ms, single project query (ideal: connections / ${settings.latencyMs} ms)\n${latencyTable(results.latency)}`,
    );
  }
  if (results.fanOut && results.fanOut.length > 0) {
    sections.push(
      `In-flight cap at ${results.fanOut[0]?.latencyMs ?? 100} ms upstream latency, projects(ids) for 50 projects, ${settings.connections} connections\n${table(
        results.fanOut,
        [
          ['target', (figures) => figures.row.target],
          ['ops/s', (figures) => figures.row.opsPerS],
          ['upstream calls/s', (figures) => figures.upstreamPerS],
          ['cap allows calls/s', (figures) => figures.capBoundPerS],
          ['p50 ms', (figures) => figures.row.p50Ms],
          ['p99 ms', (figures) => figures.row.p99Ms],
          ['CPU ms/op', (figures) => figures.row.cpuMsPerOp],
          ['gw cores', (figures) => figures.row.gatewayCores],
        ],
      )}`,
    );
  }
  if (results.layers && results.layers.length > 0) {
    const yoga = results.layers.find((row) => row.layer === 'yoga');
    sections.push(
      `Layers of one single-project operation, in process, 8 at a time (CPU of the whole process: for gateway-http, its HTTP client too)\n${table(
        results.layers,
        [
          ['layer', (row) => row.layer],
          ['CPU ms/op', (row) => row.cpuMsPerOp],
          ['x bare yoga', (row) => (yoga ? ratio(row.cpuMsPerOp, yoga.cpuMsPerOp) : null)],
          ['ops/s', (row) => row.opsPerS],
        ],
      )}`,
    );
  }
  if (results.peer) sections.push(peerText(results.peer));
  if (results.memory) sections.push(memoryText(results.memory));
  if (results.scaleProjects.length > 0) {
    sections.push(
      `Projects per operation (projects(ids), ${settings.seed.invitationsPerProject} invitations each, ${settings.scaleConnections} connections)\n${scaleTable(results.scaleProjects, 'projects', amountOf)}`,
    );
  }
  if (results.scaleInvitations.length > 0) {
    sections.push(
      `Invitations per project (single project query, ${settings.invitationScaleConnections} connections)\n${scaleTable(results.scaleInvitations, 'invitations', amountOf)}`,
    );
  }
  if (results.sweep.length > 0)
    sections.push(`Concurrency sweep, single project query\n${table(results.sweep, measurementColumns)}`);
  if (results.replicas.length > 0)
    sections.push(`One gateway process against two\n${table(results.replicas, measurementColumns)}`);
  if (results.profile.length > 0) {
    const share = (summary: ProfileSummary, category: string) =>
      round(
        summary.categories
          .filter((hot) => hot.name === category || hot.name.startsWith(`${category}/`))
          .reduce((sum, hot) => sum + hot.percent, 0),
        1,
      );
    sections.push(
      `Profile: self time by package, % of the gateway's busy time\n${table(results.profile, [
        ['scenario', (summary) => summary.window],
        ['busy ms', (summary) => summary.busyMs],
        ...PROFILE_CATEGORIES.map(
          (category): Column<ProfileSummary> => [category, (summary) => share(summary, category)],
        ),
      ])}`,
    );
    const all = results.profile.at(-1);
    if (all) {
      sections.push(
        `Hottest functions by self time (${all.window})\n${table(all.functions.slice(0, 15), [
          ['function', (hot) => hot.name],
          ['% busy', (hot) => hot.percent],
        ])}`,
      );
    }
  }
  if (results.ab && results.ab.length > 0) {
    const ab = results.meta['ab'] as { root: string; bEnv: Record<string, string> };
    const extra = Object.keys(ab.bEnv).length > 0 ? ` with ${JSON.stringify(ab.bEnv)}` : '';
    sections.push(
      `A/B: A = ${String(results.meta['gatewayRoot'])}, B = ${ab.root}${extra} (totals over rounds)\n${abTable(results.ab)}`,
    );
  }
  sections.push(
    `Digest over the whole run: ${results.run.challenges} challenges (${results.run.staleChallenges} stale) in ${results.run.upstreamRequests} upstream requests = ${results.run.challengesPer1000} per 1,000`,
  );
  return sections.join('\n\n');
}
