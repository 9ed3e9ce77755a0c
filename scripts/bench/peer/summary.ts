/**
 * The peer phase's figures from its measured rows: per scenario and coalescing mode, this
 * gateway against Hive Gateway over the same rounds. Pure (rows in, ratios out), so it is tested
 * without a benchmark run.
 */
import type { Measurement } from '../measure.ts';
import { ratio, round } from '../stats.ts';

export const PEER_TARGET = 'hive gateway + mesh';
export const oursTarget = (coalescing: boolean): string => `gateway (coalescing ${coalescing ? 'on' : 'off'})`;

/** One side of one scenario over all its rounds. */
export interface PeerSide {
  target: string;
  rounds: number;
  /** Medians over the rounds. */
  opsPerS: number;
  cpuMsPerOp: number;
  p50Ms: number;
  /** Upstream GETs per operation over all rounds (total GETs / total operations), counted at the simulator. */
  getsPerOp: number;
  /** RSS right after start, before any operation, and the highest seen during this scenario's runs, MiB. */
  idleRssMiB: number;
  peakRssMiB: number;
  failed: number;
}

export interface PeerComparison {
  scenario: string;
  title: string;
  coalescing: boolean;
  ours: PeerSide;
  peer: PeerSide;
  /** ours / peer: above 1, this gateway serves more per second. */
  throughputRatio: number;
  /** ours / peer: below 1, this gateway spends less CPU per operation. */
  cpuPerOpRatio: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function side(rows: readonly Measurement[], target: string, idleRssMiB: number): PeerSide {
  const ops = rows.reduce((sum, row) => sum + row.ops + row.failed, 0);
  const gets = rows.reduce((sum, row) => sum + row.upstreamPerOp * (row.ops + row.failed), 0);
  return {
    target,
    rounds: rows.length,
    opsPerS: round(median(rows.map((row) => row.opsPerS)), 1),
    cpuMsPerOp: round(median(rows.map((row) => row.cpuMsPerOp)), 3),
    p50Ms: round(median(rows.map((row) => row.p50Ms)), 2),
    getsPerOp: ops === 0 ? Number.NaN : round(gets / ops, 3),
    idleRssMiB,
    peakRssMiB: Math.max(...rows.map((row) => row.gatewayRssPeakMiB ?? Number.NaN)),
    failed: rows.reduce((sum, row) => sum + row.failed, 0),
  };
}

/** Every (scenario, mode) pair of the rows, ours against the peer's rows of the same scenario. */
export function comparePeer(rows: readonly Measurement[], idleRssMiB: Record<string, number>): PeerComparison[] {
  const scenarios = [...new Map(rows.map((row) => [row.scenario, row.title])).entries()];
  return scenarios.flatMap(([scenario, title]) => {
    const of = (target: string) => rows.filter((row) => row.scenario === scenario && row.target === target);
    const peerRows = of(PEER_TARGET);
    if (peerRows.length === 0) return [];
    const peer = side(peerRows, PEER_TARGET, idleRssMiB[PEER_TARGET] ?? Number.NaN);
    return [true, false].flatMap((coalescing) => {
      const target = oursTarget(coalescing);
      const oursRows = of(target);
      if (oursRows.length === 0) return [];
      const ours = side(oursRows, target, idleRssMiB[target] ?? Number.NaN);
      return [
        {
          scenario,
          title,
          coalescing,
          ours,
          peer,
          throughputRatio: ratio(ours.opsPerS, peer.opsPerS),
          cpuPerOpRatio: ratio(ours.cpuMsPerOp, peer.cpuMsPerOp),
        },
      ];
    });
  });
}

export interface PeerTarget {
  what: string;
  goal: string;
  value: number;
  met: boolean;
}

/** The targets, with coalescing off for the ratios (the gain from doing less work, apart from sharing GETs). */
export function peerTargets(comparisons: readonly PeerComparison[]): PeerTarget[] {
  const find = (scenario: string, coalescing: boolean) =>
    comparisons.find((row) => row.scenario === scenario && row.coalescing === coalescing);
  const targets: PeerTarget[] = [];
  const single = find('single', false);
  if (single) {
    targets.push({
      what: 'single project, coalescing off: throughput ours/Hive',
      goal: '>= 2',
      value: single.throughputRatio,
      met: single.throughputRatio >= 2,
    });
    targets.push({
      what: 'single project, coalescing off: CPU per operation ours/Hive',
      goal: '<= 0.5',
      value: single.cpuPerOpRatio,
      met: single.cpuPerOpRatio <= 0.5,
    });
  }
  const aliases = find('alias30', false);
  if (aliases)
    targets.push({
      what: '30 aliases, coalescing off: throughput ours/Hive',
      goal: '>= 3',
      value: aliases.throughputRatio,
      met: aliases.throughputRatio >= 3,
    });
  const coalesced = find('single', true);
  if (coalesced) {
    targets.push({
      what: 'coalescing on, one project: upstream GETs per operation',
      goal: '<= 0.25',
      value: coalesced.ours.getsPerOp,
      met: coalesced.ours.getsPerOp <= 0.25,
    });
  }
  return targets;
}
