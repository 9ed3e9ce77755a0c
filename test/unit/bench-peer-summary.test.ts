import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../scripts/bench/measure.ts';
import { comparePeer, median, oursTarget, PEER_TARGET, peerTargets } from '../../scripts/bench/peer/summary.ts';

/** A measured run with only the fields the summary reads set to something meaningful. */
function row(
  scenario: string,
  target: string,
  opsPerS: number,
  cpuMsPerOp: number,
  ops: number,
  upstreamPerOp: number,
  rss: number,
): Measurement {
  return {
    scenario,
    title: scenario,
    target,
    connections: 32,
    ops,
    failed: 0,
    opsPerS,
    p50Ms: 10,
    p99Ms: 20,
    cpuMsPerOp,
    gatewayCores: 1,
    simulatorCpuMsPerOp: 0,
    loadGeneratorCpuMsPerOp: 0,
    machineBusyCores: 2,
    upstreamPerOp,
    challengesPer1000: 0,
    gatewayRssPeakMiB: rss,
  };
}

describe('the bench peer summary', () => {
  it('takes the median of an even or odd number of values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('compares each mode of ours with the peer over the rounds: median ratios, GETs over all operations, peak RSS', () => {
    const rows = [
      row('single', oursTarget(true), 600, 0.5, 1000, 0.1, 200),
      row('single', PEER_TARGET, 200, 2, 1000, 1, 500),
      row('single', oursTarget(false), 500, 0.8, 1000, 1, 210),
      row('single', oursTarget(true), 800, 0.4, 3000, 0.02, 220),
      row('single', PEER_TARGET, 300, 1.6, 1000, 1, 520),
      row('single', oursTarget(false), 300, 1, 1000, 1, 205),
    ];
    const [on, off] = comparePeer(rows, { [oursTarget(true)]: 150, [oursTarget(false)]: 151, [PEER_TARGET]: 400 });
    expect(on).toMatchObject({ scenario: 'single', coalescing: true, throughputRatio: 2.8, cpuPerOpRatio: 0.25 });
    // (0.1 x 1000 + 0.02 x 3000) / 4000 GETs per operation.
    expect(on!.ours).toMatchObject({ getsPerOp: 0.04, idleRssMiB: 150, peakRssMiB: 220, rounds: 2 });
    expect(on!.peer).toMatchObject({ opsPerS: 250, cpuMsPerOp: 1.8, getsPerOp: 1, idleRssMiB: 400, peakRssMiB: 520 });
    expect(off).toMatchObject({ coalescing: false, throughputRatio: 1.6, cpuPerOpRatio: 0.5 });

    const targets = peerTargets(comparePeer(rows, {}));
    expect(targets.map((target) => [target.value, target.met])).toEqual([
      [1.6, false],
      [0.5, true],
      [0.04, true],
    ]);
  });
});
