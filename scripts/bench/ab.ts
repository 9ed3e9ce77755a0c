/**
 * `--ab DIR`: the main scenarios on two gateways at once, this checkout (A) and another (B, a
 * patched copy), run in interleaved order (A B B A ...) so that the machine's changing load falls
 * on both alike. The answer is B/A ratios: what a patch changes, measured on a noisy machine.
 */
import type { Measurement } from './measure.ts';
import { type BenchContext, mainScenarios, prime, SETTINGS } from './phases.ts';
import { buildGateway, type GatewayProcess, startProductionGateway } from './processes.ts';
import { measureGateway } from './measure.ts';
import { preflight } from './scenarios.ts';
import { table } from './table.ts';
import { ratio, round } from './stats.ts';

export interface AbRow {
  scenario: string;
  a: Measurement[];
  b: Measurement[];
}

/** Totals over rounds: operations per second as the mean of the rounds, CPU per operation over all operations. */
function total(rows: readonly Measurement[]) {
  const ops = rows.reduce((sum, row) => sum + row.ops + row.failed, 0);
  const cpuMs = rows.reduce((sum, row) => sum + row.cpuMsPerOp * (row.ops + row.failed), 0);
  const upstream = rows.reduce((sum, row) => sum + row.upstreamPerOp * (row.ops + row.failed), 0);
  const mean = (pick: (row: Measurement) => number) =>
    rows.reduce((sum, row) => sum + pick(row), 0) / Math.max(rows.length, 1);
  return {
    opsPerS: round(
      mean((row) => row.opsPerS),
      1,
    ),
    p50Ms: round(
      mean((row) => row.p50Ms),
      2,
    ),
    cpuMsPerOp: round(cpuMs / Math.max(ops, 1), 3),
    upstreamPerOp: round(upstream / Math.max(ops, 1), 3),
    failed: rows.reduce((sum, row) => sum + row.failed, 0),
  };
}

export async function runAb(
  context: BenchContext,
  otherRoot: string,
  rounds: number,
  otherEnv: Record<string, string>,
): Promise<AbRow[]> {
  const { connections } = SETTINGS;
  const extra = Object.keys(otherEnv).length > 0 ? ` with ${JSON.stringify(otherEnv)}` : '';
  context.log(
    `A/B: A = ${context.gatewayRoot}, B = ${otherRoot}${extra}; ${connections} connections, ${rounds} rounds per scenario, alternating order`,
  );
  buildGateway(otherRoot);
  const other: GatewayProcess = await startProductionGateway({
    root: otherRoot,
    name: 'gateway B',
    env: { ...context.gatewayEnv, ...otherEnv },
  });
  await prime(context, other, Math.max(64, context.inFlight));
  const rows: AbRow[] = [];
  try {
    for (const scenario of mainScenarios()) {
      await preflight(scenario, context.gateway.url, SETTINGS.seed.invitationsPerProject, context.headers);
      await preflight(scenario, other.url, SETTINGS.seed.invitationsPerProject, context.headers);
      const row: AbRow = { scenario: scenario.id, a: [], b: [] };
      for (let index = 0; index < rounds; index += 1) {
        const order = index % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
        for (const side of order) {
          const gateway = side === 'a' ? context.gateway : other;
          const measured = await measureGateway({
            scenario,
            target: `gateway ${side.toUpperCase()}`,
            connections,
            timing: context.timing,
            simulator: context.simulator,
            gateways: [{ url: gateway.url, pid: gateway.pid }],
            headers: context.headers,
          });
          context.log(
            `  ${scenario.id.padEnd(12)} ${side.toUpperCase()} ${measured.opsPerS} ops/s, CPU ${measured.cpuMsPerOp} ms/op, p50 ${measured.p50Ms} ms`,
          );
          row[side].push(measured);
        }
      }
      rows.push(row);
    }
  } finally {
    await other.stop();
  }
  return rows;
}

export function abTable(rows: readonly AbRow[]): string {
  return table(
    rows.map((row) => ({ scenario: row.scenario, a: total(row.a), b: total(row.b) })),
    [
      ['scenario', (row) => row.scenario],
      ['A ops/s', (row) => row.a.opsPerS],
      ['B ops/s', (row) => row.b.opsPerS],
      ['ops/s B/A', (row) => ratio(row.b.opsPerS, row.a.opsPerS, 3)],
      ['A CPU ms/op', (row) => row.a.cpuMsPerOp],
      ['B CPU ms/op', (row) => row.b.cpuMsPerOp],
      ['CPU/op B/A', (row) => ratio(row.b.cpuMsPerOp, row.a.cpuMsPerOp, 3)],
      ['A p50 ms', (row) => row.a.p50Ms],
      ['B p50 ms', (row) => row.b.p50Ms],
      ['upstream/op A', (row) => row.a.upstreamPerOp],
      ['upstream/op B', (row) => row.b.upstreamPerOp],
      ['failed', (row) => row.a.failed + row.b.failed],
    ],
  );
}
