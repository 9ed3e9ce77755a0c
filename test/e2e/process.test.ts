import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';

const ROOT = new URL('../../', import.meta.url);

/** The gateway as `npm start` runs it: a real process, real signals, JSON logs on stdout. */
function startGateway(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OPS_MANAGER_') && name !== 'NODE_ENV'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...clean, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ msg: line });
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  async function lineWith(text: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((line) => String(line.msg).includes(text));
      if (found) return found;
      if (Date.now() > until) throw new Error(`no log line with "${text}"; stderr: ${stderr}`);
      await Promise.race([
        new Promise<void>((resolve) => waiters.push(resolve)),
        new Promise((resolve) => setTimeout(resolve, 200)),
      ]);
    }
  }
  return { child: child as ChildProcess, lines, exited, lineWith, stderr: () => stderr };
}

describe('the gateway process', () => {
  it('finishes in-flight operations on SIGTERM, then exits 0', async () => {
    const gateway = startGateway({ NODE_ENV: 'development' });
    try {
      const simulator = await gateway.lineWith('embedded Ops Manager simulator');
      const listening = await gateway.lineWith('Gateway listening');
      const url = String(listening.url);
      const origin = new URL(String(simulator.simulator)).origin;
      // Slow Ops Manager down, so the operations are surely in flight when the signal comes.
      await fetch(`${origin}/__simulator/latency`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"ms":800}',
      });

      const query = JSON.stringify({ query: `{ project(id: "${DEMO_PROJECT_IDS[0]}") { invitations { username } } }` });
      const inFlight = Array.from({ length: 5 }, () =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query }).then(
          async (response) => ({
            status: response.status,
            body: (await response.json()) as { data?: { project: { invitations: unknown[] } } },
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      gateway.child.kill('SIGTERM');

      const answers = await Promise.all(inFlight);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.data!.project.invitations.length).toBeGreaterThan(0);
      }
      const [code] = await gateway.exited;
      expect(code).toBe(0);
      expect(gateway.lines.map((line) => line.msg)).toContain('Stopped');
    } finally {
      gateway.child.kill('SIGKILL');
    }
  }, 40_000);

  it('refuses to start in production without an upstream, with one clear line', async () => {
    const gateway = startGateway({ NODE_ENV: 'production' });
    const [code] = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.stderr()).toMatch(/OPS_MANAGER_BASE_URL: is required in production/);
  }, 30_000);

  it('names each bad variable and never echoes a secret', async () => {
    const gateway = startGateway({
      PORT: 'eighty',
      OPS_MANAGER_BASE_URL: 'https://opsmanager.example.com/api/public/v1.0',
      OPS_MANAGER_PUBLIC_KEY: 'public',
      OPS_MANAGER_PRIVATE_KEY: 'very-secret-private-key',
      UPSTREAM_TIMEOUT_MS: 'soon',
    });
    const [code] = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.stderr()).toMatch(/^ {2}PORT: /m);
    expect(gateway.stderr()).toMatch(/^ {2}UPSTREAM_TIMEOUT_MS: /m);
    expect(gateway.stderr()).not.toContain('very-secret-private-key');
  }, 30_000);
});
