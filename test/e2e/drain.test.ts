import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type GatewayProcess, killGroup, launchGateway } from './gateway-process.ts';

/**
 * The drain, on real sockets: the gateway as `npm start` runs it without npm (node with tsx's
 * loader), SIGTERM to the process itself, and every request on a connection of its own unless
 * it says otherwise. SHUTDOWN_DRAIN_MS is long, so that the checks made "during the drain" are
 * done well within it even on a loaded machine; nothing here is timed.
 */
const DRAIN_MS = 8_000;
const [payments] = DEMO_PROJECT_IDS as [string];
const READ = JSON.stringify({ query: `{ project(id: "${payments}") { invitations { id } } }` });

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
  socket: Socket;
}

/** One HTTP request; `agent: false` opens a new connection for it. */
function call(url: string, options: { agent?: Agent | false; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.body ? 'POST' : 'GET',
        agent: options.agent ?? false,
        headers: options.body ? { 'content-type': 'application/json' } : {},
      },
      (response) => {
        // Taken now: a keep-alive response hands its socket back to the agent when it ends.
        const socket = response.socket;
        let body = '';
        response.on('data', (chunk) => (body += String(chunk)));
        response.on('end', () =>
          resolve({ status: response.statusCode!, connection: response.headers.connection, body, socket }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const messages = (gateway: GatewayProcess) => gateway.lines.map((line) => line.msg);

describe('SIGTERM drains before it stops accepting (SHUTDOWN_DRAIN_MS)', () => {
  it('readiness 503 at once, health 200, new connections answered with Connection: close; then refused, and the operation in flight still finishes', async () => {
    const gateway = await launchGateway('tsx', { SHUTDOWN_DRAIN_MS: String(DRAIN_MS), SHUTDOWN_GRACE_MS: '15000' });
    const origin = new URL(gateway.url).origin;
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Before: ready, and a proxy's keep-alive connection is kept.
      const before = await call(`${origin}/readiness`, { agent: keepAlive });
      expect(before.status).toBe(200);
      expect(before.connection).toBe('keep-alive');
      const proxyConnection = before.socket;

      process.kill(gateway.pid, 'SIGTERM');
      await gateway.lineWith('Draining');

      const readiness = await call(`${origin}/readiness`);
      expect(readiness.status).toBe(503);
      const health = await call(`${origin}/health`);
      expect(health.status).toBe(200);
      const read = await call(gateway.url, { body: READ });
      expect(read.status).toBe(200);
      expect(JSON.parse(read.body).data.project.invitations.length).toBeGreaterThan(0);
      expect(read.connection).toBe('close');

      // The connection opened before the signal: its next response says close, and the gateway closes it.
      const closed = once(proxyConnection, 'close');
      const reused = await call(gateway.url, { agent: keepAlive, body: READ });
      expect(reused.socket).toBe(proxyConnection);
      expect(reused.status).toBe(200);
      expect(reused.connection).toBe('close');
      await closed;

      // An operation that starts during the drain and is still waiting on Ops Manager when it ends.
      await fetch(`${gateway.simulator}/__simulator/latency`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms: DRAIN_MS }),
      });
      const inFlight = call(gateway.url, { body: READ });
      expect(messages(gateway)).not.toContain('Drain over: no longer accepting connections');
      await gateway.lineWith('Drain over');

      // After the drain: no new connection; /health was 200 until here.
      await expect(call(`${origin}/health`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(JSON.parse(finished.body).data.project.invitations.length).toBeGreaterThan(0);
      expect((await gateway.exited)[0]).toBe(0);
      expect(messages(gateway)).toContain('Stopped');
    } finally {
      keepAlive.destroy();
      killGroup(gateway.pid);
    }
  }, 60_000);

  it('SIGINT (Ctrl-C) does not drain: no "Draining" step, the gateway stops and exits 0', async () => {
    const gateway = await launchGateway('tsx', { SHUTDOWN_DRAIN_MS: String(DRAIN_MS) });
    try {
      process.kill(gateway.pid, 'SIGINT');
      expect((await gateway.exited)[0]).toBe(0);
      expect(messages(gateway)).toContain('Stopped');
      expect(messages(gateway).some((message) => String(message).startsWith('Draining'))).toBe(false);
    } finally {
      killGroup(gateway.pid);
    }
  }, 40_000);
});
