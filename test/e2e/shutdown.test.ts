import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { registerSecret } from '../secrets-sweep.ts';
import {
  type GatewayProcess,
  groupGoneWithin,
  killGroup,
  type Launcher,
  launchGateway,
  ROOT,
} from './gateway-process.ts';

/**
 * Issue 16's harness, many times over: the gateway started with its stdout and stderr piped
 * back, a dozen operations through to the embedded simulator, then a signal to its process
 * group and this end of the pipes closed at once, as a parent (a terminal, a log shipper,
 * a container runtime) that goes away does. Every run must be over within the grace period
 * plus one second, measured by polling the group, since nothing can be read from it any more.
 * Before the fix, 4 to 14 runs in 20 never ended (pino's exit hook retrying its write forever).
 */
const GRACE_MS = 2000;
const RUNS = 20;
/** Runs at a time: enough to finish in reasonable time on two shared cores, few enough not to starve them. */
const BATCH = 5;

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];
const READ_TWO_PROJECTS = JSON.stringify({
  query: `{ a: project(id: "${payments}") { invitations { id username } } b: project(id: "${analytics}") { invitations { id } } }`,
});

const SECRET = 'a-shared-secret-for-the-shutdown-test-runs!';
const ISSUER = 'https://login.example.com/';
const AUDIENCE = 'invitations-gateway';
registerSecret(SECRET);

/** Half the runs as the issue's first report (jwt, debug logs), half with the defaults. */
function setting(run: number): { env: Record<string, string>; headers: Record<string, string> } {
  // No drain: these runs measure the grace period (test/e2e/drain.test.ts covers the drain).
  const env = { SHUTDOWN_GRACE_MS: String(GRACE_MS), SHUTDOWN_DRAIN_MS: '0' };
  if (run % 2 === 1) return { env: { ...env, LOG_LEVEL: 'info' }, headers: {} };
  const token = jwt.sign({ scope: 'invitations:read', projects: [payments, analytics] }, SECRET, {
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'frontend-app',
    expiresIn: '5m',
  });
  registerSecret(token.split('.')[2]!);
  return {
    env: {
      ...env,
      LOG_LEVEL: 'debug',
      AUTH_MODE: 'jwt',
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_PROJECTS_CLAIM: 'projects',
    },
    headers: { authorization: `Bearer ${token}` },
  };
}

async function readTwoProjects(gateway: GatewayProcess, headers: Record<string, string>) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: READ_TWO_PROJECTS,
  });
  return (await response.json()) as { data?: { a: { invitations: unknown[] }; b: { invitations: unknown[] } } };
}

/** Requests the simulator received: all of them, and those past Digest authentication. */
async function simulatorCounters(gateway: GatewayProcess): Promise<{ requests: number; authenticated: number }> {
  return (await (await fetch(`${gateway.simulator}/__simulator/counters`)).json()) as {
    requests: number;
    authenticated: number;
  };
}

interface Run {
  run: number;
  /** ms from the signal until no process of the group was left; undefined: still there after grace + 1 s. */
  endedAfterMs: number | undefined;
  /** Exit code of the process spawned (undefined when it had to be killed). */
  code: number | null | undefined;
}

async function reproduce(launcher: Launcher, signal: NodeJS.Signals, run: number): Promise<Run> {
  const { env, headers } = setting(run);
  const gateway = await launchGateway(launcher, env);
  try {
    // One after another: concurrent identical reads would share GETs (read coalescing), and
    // each operation is to reach the simulator itself.
    for (let i = 0; i < 12; i += 1) {
      const answer = await readTwoProjects(gateway, headers);
      expect(answer.data?.a.invitations.length).toBeGreaterThan(0);
      expect(answer.data?.b.invitations.length).toBeGreaterThan(0);
    }
    // Through to the simulator: one list call per project per operation (loaders are per request).
    expect((await simulatorCounters(gateway)).authenticated).toBe(24);

    process.kill(-gateway.pid, signal);
    gateway.closePipes();
    const endedAfterMs = await groupGoneWithin(gateway.pid, GRACE_MS + 1000);
    const code = endedAfterMs === undefined ? undefined : (await gateway.exited)[0];
    return { run, endedAfterMs, code };
  } finally {
    killGroup(gateway.pid);
  }
}

async function reproduceMany(launcher: Launcher, signal: NodeJS.Signals): Promise<Run[]> {
  const runs: Run[] = [];
  for (let first = 0; first < RUNS; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, RUNS - first) }, (_, index) =>
      reproduce(launcher, signal, first + index),
    );
    runs.push(...(await Promise.all(batch)));
  }
  return runs;
}

beforeAll(async () => {
  // The production path runs what `npm run build` makes of the sources as they are now.
  await promisify(execFile)(process.execPath, [`${ROOT}node_modules/tsup/dist/cli-default.js`], { cwd: ROOT });
}, 60_000);

describe('the production build (dist/, what `node dist/main.js` runs)', () => {
  it('imports only production dependencies and node built-ins, so `npm ci --omit=dev` is all it needs', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { dependencies: Record<string, string> };
    const files = readdirSync(`${ROOT}dist`).filter((file) => file.endsWith('.js'));
    // The simulator is a chunk of its own, loaded only when no upstream is configured.
    expect(files).toEqual(expect.arrayContaining(['main.js', expect.stringMatching(/^simulator-.*\.js$/)]));
    const imported = new Set<string>();
    for (const file of files) {
      const code = readFileSync(`${ROOT}dist/${file}`, 'utf8');
      for (const [, specifier] of code.matchAll(/(?:\bfrom|\bimport\(?)\s*"([^".][^"]*)"/g)) imported.add(specifier!);
    }
    const packageOf = (specifier: string) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
    const outside = [...imported].filter(
      (specifier) =>
        !specifier.startsWith('node:') &&
        !builtinModules.includes(specifier) &&
        !(packageOf(specifier) in pkg.dependencies),
    );
    expect(outside).toEqual([]);
    expect(imported).toContain('graphql-yoga');
  });

  it('serves GraphiQL (its page is imported lazily) and answers an operation', async () => {
    const gateway = await launchGateway('dist', {});
    try {
      const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).toMatch(/<html[\s\S]*graphiql/i);
      const answer = await readTwoProjects(gateway, {});
      expect(answer.data?.a.invitations.length).toBeGreaterThan(0);
      process.kill(gateway.pid, 'SIGTERM');
      expect((await gateway.exited)[0]).toBe(0);
    } finally {
      killGroup(gateway.pid);
    }
  }, 40_000);
});

describe.each([
  // Development without npm: node with tsx's loader, the path where the issue's harness hung most.
  { launcher: 'tsx' as const },
  // Production: the compiled JavaScript, no TypeScript loader.
  { launcher: 'dist' as const },
])('$launcher, its parent closing the pipes at once after signalling the process group', ({ launcher }) => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    `%s: all ${RUNS} runs end within the grace period plus one second, exit 0`,
    async (signal) => {
      const runs = await reproduceMany(launcher, signal);
      const late = runs.filter((run) => run.endedAfterMs === undefined);
      expect(late, `runs still there ${GRACE_MS + 1000} ms after ${signal}`).toEqual([]);
      // Nothing was in flight: a clean stop, not a forced one.
      expect(runs.map((run) => run.code)).toEqual(runs.map(() => 0));
    },
    // Each batch: start-up, 12 operations, at most grace + 1 s; generous for a busy machine.
    (RUNS / BATCH) * 30_000,
  );
});

describe('a shutdown that cannot finish in time (the compiled gateway, alone in its group)', () => {
  async function withSlowUpstream(env: Record<string, string>, latencyMs: number) {
    const gateway = await launchGateway('dist', {
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    });
    await fetch(`${gateway.simulator}/__simulator/latency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: latencyMs }),
    });
    const inFlight = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: READ_TWO_PROJECTS,
    }).then(
      async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown } }),
      (error: unknown) => ({ failed: error }),
    );
    // The operation is waiting on the simulator once the simulator has counted a request (its latency comes first).
    for (let tries = 0; (await simulatorCounters(gateway)).requests < 1 && tries < 400; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 25));
    return { gateway, inFlight };
  }

  it('a second signal exits at once, with 128 + its number', async () => {
    const { gateway, inFlight } = await withSlowUpstream({}, 60_000);
    try {
      process.kill(gateway.pid, 'SIGTERM');
      await gateway.lineWith('Shutting down');
      // Past the window in which a repeat is the same signal delivered twice (npm, tsx, the group).
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(gateway.child.exitCode).toBeNull();
      process.kill(gateway.pid, 'SIGINT');
      expect(await groupGoneWithin(gateway.pid, 1000)).toBeDefined();
      expect((await gateway.exited)[0]).toBe(130);
      expect(gateway.lines.map((line) => line.msg)).toContain('Second signal during shutdown: exiting now');
      expect(await inFlight).toHaveProperty('failed');
    } finally {
      killGroup(gateway.pid);
    }
  }, 40_000);

  it('the same signal delivered twice at once is one signal: in-flight operations finish, exit 0', async () => {
    const { gateway, inFlight } = await withSlowUpstream({ SHUTDOWN_GRACE_MS: '20000' }, 800);
    try {
      process.kill(gateway.pid, 'SIGTERM');
      process.kill(gateway.pid, 'SIGTERM');
      const answer = await inFlight;
      expect(answer).toMatchObject({ status: 200, body: { data: { a: {}, b: {} } } });
      expect((await gateway.exited)[0]).toBe(0);
      expect(gateway.lines.map((line) => line.msg)).toContain('Stopped');
    } finally {
      killGroup(gateway.pid);
    }
  }, 40_000);

  it('past SHUTDOWN_GRACE_MS every step still running is abandoned and the exit code says it was forced', async () => {
    const { gateway, inFlight } = await withSlowUpstream({ SHUTDOWN_GRACE_MS: '1000' }, 60_000);
    try {
      process.kill(-gateway.pid, 'SIGTERM');
      expect(await groupGoneWithin(gateway.pid, 1000 + 1000)).toBeDefined();
      expect((await gateway.exited)[0]).toBe(143);
      expect(gateway.lines.map((line) => line.msg)).toContain(
        'Shutdown grace period over: exiting without waiting for the steps still running',
      );
      expect(gateway.lines.map((line) => line.msg)).not.toContain('Stopped');
      expect(await inFlight).toHaveProperty('failed');
    } finally {
      killGroup(gateway.pid);
    }
  }, 40_000);

  it('a closed stdout neither stops the gateway nor its shutdown', async () => {
    const gateway = await launchGateway('dist', {
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_DRAIN_MS: '0',
      LOG_LEVEL: 'debug',
    });
    try {
      gateway.closePipes();
      // Every operation now logs into a pipe nobody reads: EPIPE, which must not surface as a crash.
      for (let round = 0; round < 3; round += 1) {
        const answers = await Promise.all(Array.from({ length: 12 }, () => readTwoProjects(gateway, {})));
        for (const answer of answers) expect(answer.data?.a.invitations.length).toBeGreaterThan(0);
      }
      expect(gateway.child.exitCode).toBeNull();
      process.kill(-gateway.pid, 'SIGTERM');
      expect(await groupGoneWithin(gateway.pid, GRACE_MS + 1000)).toBeDefined();
      expect((await gateway.exited)[0]).toBe(0);
    } finally {
      killGroup(gateway.pid);
    }
  }, 40_000);
});
