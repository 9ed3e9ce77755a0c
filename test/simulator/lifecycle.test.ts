import { spawn } from 'node:child_process';
import { request as httpRequest, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_PROJECT_IDS, startSimulator } from '../../src/simulator/index.ts';
import { send, settle, TestApiClient, waitFor } from './client.ts';

const [payments] = DEMO_PROJECT_IDS as [string];
const LIST = `/groups/${payments}/invites`;
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('startSimulator', () => {
  it('listens on 127.0.0.1 on a random port and exposes origin and baseUrl', async () => {
    const simulator = await startSimulator();
    try {
      expect(simulator.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(simulator.origin).not.toBe('http://127.0.0.1:0');
      expect(simulator.baseUrl).toBe(`${simulator.origin}/api/public/v1.0`);
    } finally {
      await simulator.close();
    }
  });

  it('fails to start on a port that is taken', async () => {
    const first = await startSimulator();
    try {
      const port = Number(new URL(first.origin).port);
      await expect(startSimulator({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe('close()', () => {
  it('ends promptly with a hanging request and an idle keep-alive connection open', async () => {
    const simulator = await startSimulator();
    const agent = new Agent({ keepAlive: true });
    try {
      // An idle keep-alive socket left in the agent's pool...
      await new Promise<void>((resolve, reject) => {
        httpRequest(`${simulator.baseUrl}${LIST}`, { agent }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      // ...and a request that never gets an answer.
      simulator.faults.inject({ kind: 'hang' });
      const hanging = settle(new TestApiClient(simulator).get(LIST));
      await waitFor(() => simulator.counters.snapshot().authenticated === 1);

      const started = performance.now();
      await simulator.close();
      expect(performance.now() - started).toBeLessThan(500);
      const outcome = await hanging;
      expect(outcome.ok).toBe(false);
      await expect(send(simulator.baseUrl + LIST, 'GET')).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('ends a pending latency wait instead of waiting it out, and can be called twice', async () => {
    const simulator = await startSimulator({ latencyMs: 10_000 });
    const pending = settle(send(simulator.baseUrl + LIST, 'GET'));
    await waitFor(() => simulator.counters.snapshot().requests === 1);
    const started = performance.now();
    await Promise.all([simulator.close(), simulator.close()]);
    expect(performance.now() - started).toBeLessThan(500);
    expect((await pending).ok).toBe(false);
  });
});

describe('standalone main.ts', () => {
  it('refuses a bad port with exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toContain('"eighty"');
  });

  it('starts on SIMULATOR_PORT, prints the base URL, key and demo projects, and stops on SIGTERM', async () => {
    const { PORT: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      cwd: projectRoot,
      env: { ...env, SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /Demo project .*Internal Tools/.test(output), 15_000);
      const baseUrl = /listening: (http:\/\/127\.0\.0\.1:\d+\/api\/public\/v1\.0)/.exec(output)?.[1];
      expect(baseUrl).toBeDefined();
      expect(output).toContain(DEMO_API_KEY.publicKey);
      expect(output).toContain(DEMO_API_KEY.privateKey);
      for (const id of DEMO_PROJECT_IDS) expect(output).toContain(id);
      expect((await send(`${baseUrl}${LIST}`, 'GET')).status).toBe(401);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
