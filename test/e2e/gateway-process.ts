import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { productionNodeFlags } from '../../scripts/lib/production-node-flags.ts';
import { recordLogLine } from '../secrets-sweep.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a user or a deployment starts the gateway. */
export const LAUNCHERS = {
  /** Development: one node process with tsx's loader (`npm start` adds npm and tsx's CLI around it). */
  tsx: [process.execPath, ['--import', 'tsx', 'src/main.ts']],
  /** Production (the Dockerfile's CMD, with its V8 flags): the compiled JavaScript, no TypeScript loader. */
  dist: [process.execPath, [...productionNodeFlags(new URL('../../', import.meta.url)), 'dist/main.js']],
} as const satisfies Record<string, readonly [string, readonly string[]]>;
export type Launcher = keyof typeof LAUNCHERS;

export interface GatewayProcess {
  /** Also the id of its process group (spawned detached). */
  pid: number;
  child: ChildProcess;
  url: string;
  /** The simulator's origin, for its control API: the embedded one, or OPS_MANAGER_BASE_URL's. */
  simulator: string;
  /** The log lines read so far, parsed. */
  lines: Array<Record<string, unknown>>;
  lineWith(text: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The gateway's exit code or signal. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Closes this end of the stdout and stderr pipes, as a parent that goes away does. */
  closePipes(): void;
}

/**
 * Starts the gateway in a process group of its own with stdout and stderr piped back, and
 * resolves once it listens. Its environment is this one without OPS_MANAGER_* and NODE_ENV, plus
 * `env`: the embedded simulator starts unless `env` names an OPS_MANAGER_BASE_URL.
 */
export async function launchGateway(launcher: Launcher, env: Record<string, string>): Promise<GatewayProcess> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OPS_MANAGER_') && name !== 'NODE_ENV'),
  );
  const [command, args] = LAUNCHERS[launcher];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...clean, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pending = '';
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  child.stdout!.on('data', (chunk) => {
    pending += String(chunk);
    const complete = pending.split('\n');
    pending = complete.pop()!;
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      recordLogLine(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const ended = exited.then(() => {
    for (const wake of waiters.splice(0)) wake();
  });
  async function lineWith(text: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((line) => String(line.msg).includes(text));
      if (found) return found;
      if (Date.now() > until || child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`no log line with "${text}" (${launcher}); stderr: ${stderr}`);
      }
      await Promise.race([
        new Promise<void>((resolve) => waiters.push(resolve)),
        ended,
        new Promise((resolve) => setTimeout(resolve, 200)),
      ]);
    }
  }
  try {
    const simulator = env.OPS_MANAGER_BASE_URL ?? String((await lineWith('embedded Ops Manager simulator')).simulator);
    const listening = await lineWith('Gateway listening');
    return {
      pid: child.pid!,
      child,
      url: String(listening.url),
      simulator: new URL(simulator).origin,
      lines,
      lineWith,
      exited,
      closePipes() {
        child.stdout!.destroy();
        child.stderr!.destroy();
      },
    };
  } catch (error) {
    killGroup(child.pid!);
    throw error;
  }
}

/**
 * Whether any process of the group is still running. `kill(-pgid, 0)` first; a zombie counts
 * as gone (an orphan whose exit status nobody collected yet: PID 1 here does not reap at once).
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

/** Polls the group until it is gone; resolves with how long that took, or undefined past `timeoutMs`. */
export async function groupGoneWithin(pgid: number, timeoutMs: number): Promise<number | undefined> {
  const start = performance.now();
  for (;;) {
    if (!groupAlive(pgid)) return performance.now() - start;
    if (performance.now() - start > timeoutMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
