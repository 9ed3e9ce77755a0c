/** The peer phase as text: the comparison per scenario and mode, the targets, every run. */
import { measurementColumns } from '../report.ts';
import { table } from '../table.ts';
import type { PeerResults } from './phase.ts';

export function peerText(peer: PeerResults): string {
  const versions = Object.entries(peer.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const comparison = table(peer.comparisons, [
    ['scenario', (row) => row.scenario],
    ['coalescing', (row) => (row.coalescing ? 'on' : 'off')],
    ['ops/s ours', (row) => row.ours.opsPerS],
    ['ops/s Hive', (row) => row.peer.opsPerS],
    ['ops/s ours/Hive', (row) => row.throughputRatio],
    ['CPU ms/op ours', (row) => row.ours.cpuMsPerOp],
    ['CPU ms/op Hive', (row) => row.peer.cpuMsPerOp],
    ['CPU/op ours/Hive', (row) => row.cpuPerOpRatio],
    ['GETs/op ours', (row) => row.ours.getsPerOp],
    ['GETs/op Hive', (row) => row.peer.getsPerOp],
    ['p50 ms ours', (row) => row.ours.p50Ms],
    ['p50 ms Hive', (row) => row.peer.p50Ms],
    ['RSS idle ours', (row) => row.ours.idleRssMiB],
    ['RSS idle Hive', (row) => row.peer.idleRssMiB],
    ['RSS peak ours', (row) => row.ours.peakRssMiB],
    ['RSS peak Hive', (row) => row.peer.peakRssMiB],
    ['failed ours/Hive', (row) => `${row.ours.failed}/${row.peer.failed}`],
  ]);
  const targets = peer.targets
    .map((target) => `  ${target.met ? 'met    ' : 'NOT met'}  ${target.what}: ${target.value} (target ${target.goal})`)
    .join('\n');
  return [
    `Peer: this gateway against Hive Gateway + a GraphQL Mesh OpenAPI source, one simulator with Digest off, ${peer.connections} connections, ` +
      `${peer.rounds} interleaved rounds (medians; GETs/op over all rounds, counted at the simulator; RSS in MiB)\n(${versions})\n${comparison}`,
    `Targets (the ratios with coalescing off; coalescing: ${peer.connections} connections on one project)\n${targets}`,
    `Peer phase, every run\n${table(peer.rows, measurementColumns)}`,
  ].join('\n\n');
}
