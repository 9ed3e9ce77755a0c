/**
 * The peer phase: this gateway against Hive Gateway serving a GraphQL Mesh OpenAPI source, both
 * in their own process, over one simulator of their own with Digest off (the peer cannot speak
 * Digest; SIMULATOR_AUTH=none). This gateway runs twice, with read coalescing on (the default) and
 * off (UPSTREAM_COALESCE_READS=false), so the gain from doing less work per operation shows apart
 * from the gain from sharing GETs. Rounds are interleaved (on, Hive, off; then off, Hive, on), each
 * run measured like the other phases (measureGateway: calibration, warm-up, a fixed number of
 * operations; CPU from /proc of the server's process; upstream GETs counted at the simulator).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAutocannon } from '../autocannon.ts';
import { measureGateway, type Measurement, type Timing } from '../measure.ts';
import { SETTINGS, type BenchContext } from '../phases.ts';
import {
  type GatewayProcess,
  rssBytes,
  startGatewayProcess,
  startProductionGateway,
  startSimulatorProcess,
} from '../processes.ts';
import { waitForQuiet } from '../simulator-controls.ts';
import { round } from '../stats.ts';
import { composePeerSupergraph } from './compose.ts';
import { checkAnswer, peerAliases, peerSingle, type PeerScenario } from './scenarios.ts';
import { comparePeer, type PeerComparison, PEER_TARGET, oursTarget, peerTargets, type PeerTarget } from './summary.ts';

const run = promisify(execFile);

export interface PeerResults {
  versions: Record<string, string>;
  connections: number;
  rounds: number;
  timing: Timing;
  composeMs: number;
  /** RSS of each server right after it answered its health check, before any operation, MiB. */
  idleRssMiB: Record<string, number>;
  queries: Record<string, { ours: string; peer: string }>;
  rows: Measurement[];
  comparisons: PeerComparison[];
  targets: PeerTarget[];
}

function versionOf(root: string, name: string): string {
  const require = createRequire(join(root, 'package.json'));
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

/**
 * The peer is a package of its own (scripts/bench/peer/package.json and its lockfile), so that the
 * gateway's `npm ci` installs only what building, testing and running the gateway need. The phase
 * installs it from its lockfile the first time it runs.
 */
async function ensurePeerInstalled(context: BenchContext): Promise<string> {
  const peerRoot = join(context.root, 'scripts/bench/peer');
  if (!existsSync(join(peerRoot, 'node_modules/@graphql-hive/gateway/package.json'))) {
    context.log('  installing the peer (Hive Gateway, Mesh) from scripts/bench/peer/package-lock.json');
    await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peerRoot, timeout: 10 * 60_000 });
  }
  return peerRoot;
}

const queryOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { query?: string }).query ?? '';

export async function runPeer(context: BenchContext): Promise<PeerResults> {
  const connections = SETTINGS.connections;
  const rounds = context.short ? 2 : 3;
  const timing: Timing = context.short ? { warmupS: 1, measureS: 3 } : { warmupS: 2, measureS: 6 };
  const scenarios: PeerScenario[] = [peerSingle(), peerAliases()];
  const peerRoot = await ensurePeerInstalled(context);
  const versions: Record<string, string> = {
    ...Object.fromEntries(
      ['@graphql-hive/gateway', '@graphql-mesh/compose-cli', '@omnigraph/openapi'].map((name) => [
        name,
        versionOf(peerRoot, name),
      ]),
    ),
    'graphql-yoga': versionOf(context.root, 'graphql-yoga'),
  };
  context.log(
    `\nPeer: Hive Gateway ${versions['@graphql-hive/gateway']} + Mesh OpenAPI source (@omnigraph/openapi ${versions['@omnigraph/openapi']}) against this gateway, ` +
      `coalescing on and off; one simulator with Digest off, ${connections} connections, ${rounds} interleaved rounds`,
  );

  const simulator = await startSimulatorProcess(context.root, {
    SIMULATOR_SEED_PROJECTS: String(SETTINGS.seed.projects),
    SIMULATOR_SEED_INVITATIONS: String(SETTINGS.seed.invitationsPerProject),
    SIMULATOR_AUTH: 'none',
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-peer-'));
  const started: GatewayProcess[] = [];
  try {
    const supergraph = join(dir, 'supergraph.graphql');
    const composeMs = await composePeerSupergraph(peerRoot, simulator.baseUrl, supergraph);
    context.log(`  composed the Mesh supergraph in ${composeMs} ms`);

    const idleRssMiB: Record<string, number> = {};
    const start = async (target: string, launch: () => Promise<GatewayProcess>) => {
      const server = await launch();
      started.push(server);
      idleRssMiB[target] = round(rssBytes(server.pid) / 2 ** 20, 1);
      return server;
    };
    const oursEnv = (coalescing: boolean) => ({
      ...context.gatewayEnv,
      OPS_MANAGER_BASE_URL: simulator.baseUrl,
      UPSTREAM_COALESCE_READS: String(coalescing),
    });
    const servers = {
      [oursTarget(true)]: await start(oursTarget(true), () =>
        startProductionGateway({ root: context.gatewayRoot, name: oursTarget(true), env: oursEnv(true) }),
      ),
      [oursTarget(false)]: await start(oursTarget(false), () =>
        startProductionGateway({ root: context.gatewayRoot, name: oursTarget(false), env: oursEnv(false) }),
      ),
      // The CLI as a team runs it: one process (FORK=1: no cluster workers), its defaults otherwise.
      [PEER_TARGET]: await start(PEER_TARGET, () =>
        startGatewayProcess({
          root: peerRoot,
          name: PEER_TARGET,
          script: 'node_modules/@graphql-hive/gateway/dist/bin.js',
          scriptArgs: ['supergraph', supergraph],
          healthPath: '/healthcheck',
          // The CLI loads mesh.config.ts from its directory too, which wants the upstream's URL.
          env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', FORK: '1', PEER_UPSTREAM_URL: simulator.baseUrl },
        }),
      ),
    };
    context.log(
      `  idle RSS MiB: ${Object.entries(idleRssMiB)
        .map(([target, mib]) => `${target} ${mib}`)
        .join(', ')}`,
    );

    const headersFor = (target: string) => (target === PEER_TARGET ? {} : context.headers);
    const sideOf = (scenario: PeerScenario, target: string) => (target === PEER_TARGET ? scenario.peer : scenario.ours);
    const invitations = SETTINGS.seed.invitationsPerProject;
    for (const scenario of scenarios) {
      for (const [target, server] of Object.entries(servers)) {
        await checkAnswer(sideOf(scenario, target), server.url, headersFor(target), scenario.lists, invitations);
        // Not measured: connection pools, JIT, caches of parsed documents.
        await runAutocannon(
          { url: server.url, connections, bodies: sideOf(scenario, target).bodies, headers: headersFor(target) },
          { amount: connections * 8, durationS: 5, capS: 60 },
        );
      }
    }
    await waitForQuiet(simulator.origin);

    const rows: Measurement[] = [];
    const order = [oursTarget(true), PEER_TARGET, oursTarget(false)];
    for (const scenario of scenarios) {
      for (let index = 0; index < rounds; index += 1) {
        for (const target of index % 2 === 0 ? order : [...order].reverse()) {
          const server = servers[target]!;
          const row = await measureGateway({
            scenario: sideOf(scenario, target),
            target,
            connections,
            timing,
            simulator,
            gateways: [{ url: server.url, pid: server.pid }],
            headers: headersFor(target),
          });
          rows.push(row);
          context.log(
            `  ${scenario.id.padEnd(8)} round ${index + 1} ${target.padEnd(26)} ${String(row.opsPerS).padStart(8)} ops/s  p50 ${row.p50Ms} ms  ` +
              `CPU ${row.cpuMsPerOp} ms/op  GETs/op ${row.upstreamPerOp}  RSS peak ${row.gatewayRssPeakMiB} MiB${row.failed ? `  FAILED ${row.failed}` : ''}`,
          );
        }
      }
    }
    const comparisons = comparePeer(rows, idleRssMiB);
    const queries = Object.fromEntries(
      scenarios.map((scenario) => [
        scenario.id,
        { ours: queryOf(scenario.ours.bodies[0]), peer: queryOf(scenario.peer.bodies[0]) },
      ]),
    );
    return {
      versions,
      connections,
      rounds,
      timing,
      composeMs,
      idleRssMiB,
      queries,
      rows,
      comparisons,
      targets: peerTargets(comparisons),
    };
  } finally {
    for (const server of started) await server.stop();
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
