/**
 * The benchmark's child processes: the simulator and the gateway(s). The gateway runs its production
 * build (startProductionGateway); the rest `node --import tsx` (what `tsx file` runs, minus tsx's
 * wrapper process, so that the pid we read /proc of is the process doing the work). Every child is
 * killed when the benchmark exits, however it exits.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { productionNodeFlags } from '../lib/production-node-flags.ts';

const children = new Set<ChildProcess>();
let handlersInstalled = false;

/** Kills every child still running (SIGKILL, by pid). Safe to call more than once. */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** On exit, Ctrl-C, SIGTERM and crashes, the children go too. */
export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the benchmark and its processes`);
      killChildren();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error('bench failed:', error);
    killChildren();
    process.exit(1);
  });
}

/** Variables the gateway and the simulator read: never inherited from the shell running the bench. */
const OWN_VARIABLES =
  /^(PORT|HOST|NODE_ENV|LOG_LEVEL|OPS_MANAGER_|UPSTREAM_|OPERATION_|BREAKER_|SHUTDOWN_|FEDERATION_|SIMULATOR_)/;

function childEnv(own: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !OWN_VARIABLES.test(name)));
  return { ...inherited, ...own };
}

export interface BenchProcess {
  readonly name: string;
  readonly pid: number;
  /** stdout and stderr so far (the last 64 KiB), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Undefined while it runs; then its exit code or the signal that ended it. */
  exited(): string | undefined;
}

function launch(
  name: string,
  cwd: string,
  args: string[],
  env: Record<string, string>,
): { process: BenchProcess; child: ChildProcess } {
  const child = spawn(process.execPath, args, { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => children.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const handle: BenchProcess = {
    name,
    pid: child.pid,
    output: () => output,
    exited: () =>
      child.exitCode === null && child.signalCode === null ? undefined : String(child.exitCode ?? child.signalCode),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return { process: handle, child };
}

/** Runs a script of this checkout to its end (`node --import tsx`); resolves with its stdout, rejects on a non-zero exit. */
export function runScript(root: string, script: string, env: Record<string, string>): Promise<string> {
  const { child, process: handle } = launch(script, root, ['--import', 'tsx', script], env);
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} exited (${code ?? signal}):\n${handle.output()}`));
    });
  });
}

/** A free TCP port on 127.0.0.1 (closed again at once; nothing else here takes ports meanwhile). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitUntil<T>(
  what: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${output()}`);
}

export interface SimulatorProcess extends BenchProcess {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** origin + /api/public/v1.0 */
  baseUrl: string;
}

export async function startSimulatorProcess(root: string, env: Record<string, string>): Promise<SimulatorProcess> {
  const { process: handle, child } = launch('simulator', root, ['--import', 'tsx', 'src/simulator/main.ts'], {
    PORT: '0',
    ...env,
  });
  const baseUrl = await waitUntil(
    'the simulator',
    child,
    handle.output,
    30_000,
    async () => /listening: (http:\/\/127\.0\.0\.1:\d+\/api\/public\/v1\.0)/.exec(handle.output())?.[1],
  );
  return { ...handle, baseUrl, origin: new URL(baseUrl).origin };
}

export interface GatewayProcess extends BenchProcess {
  /** http://127.0.0.1:PORT/graphql */
  url: string;
}

export async function startGatewayProcess(options: {
  root: string;
  name: string;
  env: Record<string, string>;
  /** Node flags before the script, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Load the script through tsx; false for a built one (dist/main.js). @default true */
  tsx?: boolean;
  /** What to run, relative to root. @default 'src/main.ts' (the gateway) */
  script?: string;
  /** Arguments after the script (a CLI's command line). */
  scriptArgs?: string[];
  /** Answers 200 once the server is ready. @default '/health' */
  healthPath?: string;
}): Promise<GatewayProcess> {
  const port = await freePort();
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.tsx === false ? [] : ['--import', 'tsx']),
    options.script ?? 'src/main.ts',
    ...(options.scriptArgs ?? []),
  ];
  // The benchmark sends as one caller: per-caller budgets (RATE_LIMIT_*) would measure the limit, not the gateway.
  const unlimited = { RATE_LIMIT_READS_PER_MINUTE: '0', RATE_LIMIT_MUTATIONS_PER_MINUTE: '0' };
  const { process: handle, child } = launch(options.name, options.root, args, {
    ...unlimited,
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntil(options.name, child, handle.output, 30_000, async () => {
    const response = await fetch(`${origin}${options.healthPath ?? '/health'}`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok ? true : undefined;
  });
  return { ...handle, url: `${origin}/graphql` };
}

/** `npm run build` in a checkout: its production build, dist/main.js. */
export function buildGateway(root: string): void {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}

/**
 * The gateway's production build (buildGateway first), with V8's defaults as the peer runs with
 * them; BENCH_GATEWAY_NODE_FLAGS=image gives it the Dockerfile's flags (scripts/lib/production-node-flags.ts:
 * a 128 MiB old space for a 256 MiB container, which costs CPU under load: docs/deploying.md), any
 * other value those flags. Every phase but profile (which runs the sources, so that its samples name
 * the files) and memory (always the image's flags) measures this.
 */
export function startProductionGateway(options: {
  root: string;
  name: string;
  env: Record<string, string>;
}): Promise<GatewayProcess> {
  const root = pathToFileURL(options.root.endsWith('/') ? options.root : `${options.root}/`);
  const flags = process.env['BENCH_GATEWAY_NODE_FLAGS'] ?? '';
  const nodeArgs = flags === 'image' ? productionNodeFlags(root) : flags.split(/\s+/).filter(Boolean);
  return startGatewayProcess({ ...options, tsx: false, script: 'dist/main.js', nodeArgs });
}

/** CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces or parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Resident set size in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) * 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peakBytes: number; lastBytes: number } } {
  // A process that has died reads as 0 (its /proc entry is gone), so the caller can report how it ended.
  const read = () => {
    try {
      return rssBytes(pid);
    } catch {
      return 0;
    }
  };
  let peak = read();
  let last = peak;
  const timer = setInterval(() => {
    last = read();
    if (last > peak) peak = last;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      last = read();
      return { peakBytes: Math.max(peak, last), lastBytes: last };
    },
  };
}
