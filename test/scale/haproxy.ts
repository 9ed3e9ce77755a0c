import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../redis/redis-server.ts';

export const BACKEND = 'gateways';

export interface HaproxyOptions {
  /** The replicas' addresses, in order: servers g1, g2, ... */
  servers: Array<{ port: number }>;
  /** Milliseconds between two health checks of /readiness. @default 200 */
  checkIntervalMs?: number;
  /** Failed checks before a server is taken out, passed checks before it is put back. @default 2 */
  fall?: number;
  rise?: number;
}

export interface Haproxy {
  /** The frontend's origin, http://127.0.0.1:PORT. */
  origin: string;
  /** Server names in the backend, g1..gN, in the order of `servers`. */
  serverNames: string[];
  /** One command on the runtime API (the admin socket); its answer. */
  command(line: string): Promise<string>;
  /** Points a server at another port (a replica started again listens elsewhere). */
  setServerPort(name: string, port: number): Promise<void>;
  /** The server's state as HAProxy's health checks see it: UP, DOWN, or a transition such as "UP 1/2". */
  serverStatus(name: string): Promise<string>;
  /** Polls until the server's status is exactly `status`; throws past `timeoutMs`. */
  waitForStatus(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** Per server: total sessions it took (HAProxy's `stot`) and those it has now (`scur`). */
  sessions(): Promise<Record<string, { total: number; current: number }>>;
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy (installed by the test script) in front of the replicas, on loopback: the
 * frontend on a free port, the runtime API and stats on a Unix socket in a directory of its own
 * (no port). The backend health-checks GET /readiness, fast, as a test needs (a deployment's
 * checks are slower; SHUTDOWN_DRAIN_MS must exceed interval × fall). HAProxy is never told that
 * a replica stops: it learns it from /readiness, as a load balancer in production does.
 * Retries: only connection failures (HAProxy's default `retry-on`), redispatched to another
 * server; a request already sent is never retried. HAPROXY_LOG=<file> in the environment: its
 * request log (option httplog) is written there when it stops, for a test that needs looking into.
 */
export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const binary = execFileSync('which', ['haproxy'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  const socket = join(dir, 'admin.sock');
  const port = await freePort();
  const inter = options.checkIntervalMs ?? 200;
  const serverNames = options.servers.map((_, index) => `g${index + 1}`);
  const config = [
    'global',
    '  nbthread 1',
    `  stats socket ${socket} mode 600 level admin`,
    ...(process.env.HAPROXY_LOG ? ['  log stderr format raw local0'] : []),
    'defaults',
    '  mode http',
    ...(process.env.HAPROXY_LOG ? ['  log global', '  option httplog'] : []),
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout queue 10s',
    '  retries 3',
    '  option redispatch 1',
    'frontend gateway',
    `  bind 127.0.0.1:${port}`,
    `  default_backend ${BACKEND}`,
    `backend ${BACKEND}`,
    '  balance roundrobin',
    // Idle connections to the replicas in one pool per server, not tied to a client's connection:
    // a replica that dies takes only its own connections with it.
    '  http-reuse always',
    '  option httpchk GET /readiness',
    '  http-check expect status 200',
    // Idle connections to a replica are given up well before Node's keep-alive timeout (5 s) closes them.
    `  default-server check inter ${inter} fastinter ${inter} downinter ${inter} fall ${options.fall ?? 2} rise ${options.rise ?? 2} pool-purge-delay 1s`,
    ...options.servers.map((server, index) => `  server ${serverNames[index]} 127.0.0.1:${server.port}`),
    '',
  ].join('\n');
  const configFile = join(dir, 'haproxy.cfg');
  writeFileSync(configFile, config);
  // -db: stay in the foreground, so that this process owns it and SIGTERM ends it.
  const child: ChildProcess = spawn(binary, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit');

  function command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const connection = connect(socket);
      let answer = '';
      connection.on('data', (chunk) => (answer += String(chunk)));
      connection.on('end', () => resolve(answer));
      connection.on('error', reject);
      connection.end(`${line}\n`);
    });
  }

  async function stats(): Promise<Array<Record<string, string>>> {
    const [header, ...rows] = (await command('show stat')).trim().split('\n');
    const fields = header!.replace(/^# /, '').split(',');
    return rows.map((row) => Object.fromEntries(row.split(',').map((value, index) => [fields[index], value])));
  }

  async function serverStatus(name: string): Promise<string> {
    const row = (await stats()).find((entry) => entry.pxname === BACKEND && entry.svname === name);
    if (!row) throw new Error(`no server ${name} in HAProxy's stats`);
    return row.status!;
  }

  // Ready once the admin socket answers.
  const until = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${output}`);
    try {
      await command('show info');
      break;
    } catch (error) {
      if (Date.now() > until) throw new Error(`haproxy's admin socket did not answer: ${output}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    origin: `http://127.0.0.1:${port}`,
    serverNames,
    command,
    async setServerPort(name, newPort) {
      const answer = await command(`set server ${BACKEND}/${name} addr 127.0.0.1 port ${newPort}`);
      if (!/changed|no need to change/i.test(answer))
        throw new Error(`haproxy refused the new address of ${name}: ${answer}`);
    },
    serverStatus,
    async waitForStatus(name, status, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while ((last = await serverStatus(name)) !== status) {
        if (Date.now() > deadline) throw new Error(`HAProxy still sees ${name} as "${last}", not ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async sessions() {
      const rows = (await stats()).filter((entry) => entry.pxname === BACKEND && serverNames.includes(entry.svname!));
      return Object.fromEntries(
        rows.map((row) => [row.svname!, { total: Number(row.stot), current: Number(row.scur) }]),
      );
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (process.env.HAPROXY_LOG) writeFileSync(process.env.HAPROXY_LOG, output);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
