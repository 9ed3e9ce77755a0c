/**
 * `npm run test:consumers`: the client package as frontend teams get it. Packs
 * packages/client, installs the tarball into scratch apps created under the OS temp dir
 * (outside the repository, with their own npm cache there too), and runs each against a
 * gateway started here on 127.0.0.1 (embedded simulator, demo data): Node ESM, Node CommonJS,
 * tsc (nodenext and bundler), a Vite build opened in Debian's headless Chromium, webpack 5 with
 * ts-loader, Apollo Client with the shipped possibleTypes, and urql. Prints what was measured
 * (tarball size, packages installed per app, bundle sizes) and exits non-zero on any failure.
 * Everything it starts is stopped, and the scratch dir removed, however it ends.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../../test/browser/chromium.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { DEMO_INVITATIONS, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { apollo, type AppSpec, nodeCjs, nodeEsm, typescript, urql, vite, webpack } from './apps.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLIENT_DIR = join(ROOT, 'packages/client');
const OVERALL_TIMEOUT_MS = 25 * 60_000;
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const STEP_TIMEOUT_MS = 3 * 60_000;
/** The lifecycle scripts npm runs in a consumer's install of a registry package. */
const INSTALL_TIME_SCRIPTS = new Set(['preinstall', 'install', 'postinstall', 'prepare']);

const [projectId] = DEMO_PROJECT_IDS as [string];
const expectedUsernames = DEMO_INVITATIONS.filter((invitation) => invitation.groupId === projectId).map(
  (invitation) => invitation.username,
);

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: options.timeoutMs ?? STEP_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, ...options.env },
      },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stdout}\n${stderr}`.slice(0, 8_000),
            ),
          );
        else resolve({ stdout, stderr });
      },
    );
  });
}

const lastJsonLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

/** A static file server for the Vite build: the page's origin, allowed by the gateway's CORS_ORIGINS. */
async function startStaticServer(): Promise<{ server: Server; origin: string; serve(dir: string): void }> {
  let root: string | undefined;
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = join(root ?? '/nonexistent', path === '/' ? 'index.html' : path);
    if (!root || !file.startsWith(root)) return void response.writeHead(404).end();
    stat(file).then(
      () => {
        response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, serve: (dir) => (root = dir) };
}

/** Writes an app, installs the tarball and its packages; returns the number of packages installed. */
async function install(scratch: string, tarball: string, app: AppSpec): Promise<{ dir: string; installed: number }> {
  const dir = join(scratch, app.name);
  for (const [path, content] of Object.entries(app.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  const { stderr } = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--cache',
      join(scratch, 'npm-cache'),
      '--loglevel',
      'warn',
      tarball,
      ...app.packages,
    ],
    dir,
    {
      timeoutMs: INSTALL_TIMEOUT_MS,
    },
  );
  // npm 11 names every package whose install scripts it met; the client must never be one of them.
  const scriptWarnings = stderr
    .split('\n')
    .filter((line) => line.includes('install-scripts') && line.includes('ops-manager-invitations-client'));
  assert.deepEqual(
    scriptWarnings,
    [],
    `installing the tarball into ${app.name} warned about the client's install scripts`,
  );
  const lock = JSON.parse(await readFile(join(dir, 'node_modules/.package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return { dir, installed: Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/')).length };
}

/** Runs `fn` with at most `limit` at once (installs share two cores with other work). */
async function limited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}

async function jsFilesOf(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, encoding: 'utf8' }))
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(dir, file));
}

async function bundleSize(dir: string): Promise<{ minified: number; gzip: number; text: string }> {
  const text = (await Promise.all((await jsFilesOf(dir)).map((file) => readFile(file, 'utf8')))).join('\n');
  return { minified: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length, text };
}

async function main(): Promise<void> {
  const started = Date.now();
  const scratch = await mkdtemp(join(tmpdir(), 'client-consumers-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(scratch, { recursive: true, force: true })];
  const watchdog = setTimeout(() => {
    console.error(`test:consumers: over ${OVERALL_TIMEOUT_MS / 60_000} minutes, stopping`);
    void Promise.allSettled(cleanups.reverse().map((cleanup) => cleanup())).finally(() => process.exit(1));
  }, OVERALL_TIMEOUT_MS);
  const report: Record<string, unknown> = {};
  const failures: string[] = [];
  try {
    // `npm pack` builds the package (its prepack script) before packing it.
    const packed = JSON.parse(
      (await run('npm', ['pack', '--json', '--pack-destination', scratch], CLIENT_DIR)).stdout,
    ) as [{ filename: string; size: number; unpackedSize: number; files: { path: string }[] }];
    const tarball = join(scratch, packed[0].filename);
    report.tarball = {
      file: packed[0].filename,
      bytes: packed[0].size,
      unpackedBytes: packed[0].unpackedSize,
      files: packed[0].files.length,
    };
    assert.ok(
      packed[0].files.every((file) =>
        /^(dist\/|schema\.graphql$|persisted-documents\.json$|package\.json$|README\.md$)/.test(file.path),
      ),
      'the tarball ships dist, the schema, the manifest, README and package.json only',
    );
    const packedManifest = JSON.parse(
      (await run('tar', ['-xzOf', tarball, 'package/package.json'], scratch)).stdout,
    ) as { scripts?: Record<string, string> };
    const installTime = Object.keys(packedManifest.scripts ?? {}).filter((name) => INSTALL_TIME_SCRIPTS.has(name));
    assert.deepEqual(installTime, [], 'the packed package.json has no script that runs when a consumer installs it');

    const statics = await startStaticServer();
    cleanups.push(() => new Promise((resolve) => statics.server.close(resolve)));
    const logger = createLogger({ level: 'silent' });
    const gateway: RunningServer = await startServer(
      loadConfig({ PORT: '0', LOG_LEVEL: 'silent', CORS_ORIGINS: statics.origin }),
      logger,
    );
    cleanups.push(() => gateway.stop());
    const args = [gateway.url, projectId];

    const apps = [nodeEsm, nodeCjs, typescript, vite, webpack, apollo, urql];
    const installed = await limited(apps, 3, (app) =>
      install(scratch, tarball, app).then((result) => ({ app: app.name, ...result })),
    );
    report.installedPackages = Object.fromEntries(installed.map(({ app, installed: count }) => [app, count]));
    const dirOf = (app: AppSpec) => installed.find((one) => one.app === app.name)!.dir;

    const check = async (name: string, fn: () => Promise<unknown>) => {
      try {
        report[name] = (await fn()) ?? 'ok';
        console.log(`ok   ${name}`);
      } catch (error) {
        failures.push(name);
        report[name] = 'FAILED';
        console.error(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };

    await check('node-esm', async () => {
      const out = lastJsonLine((await run('node', ['index.js', ...args], dirOf(nodeEsm))).stdout);
      assert.deepEqual(out.listed, expectedUsernames);
      assert.deepEqual(out.byId, expectedUsernames);
      assert.deepEqual(out.missing, ['PROJECT_NOT_FOUND']);
      assert.equal(out.documentIdInManifest, true);
      assert.equal(out.schemaHasInvitation, true);
      assert.deepEqual(out.scalars, { ObjectID: 'string', EmailAddress: 'string', DateTime: 'string' });
      assert.equal(
        report.installedPackages && (report.installedPackages as Record<string, number>)['node-esm']! <= 10,
        true,
        'the tarball adds at most 10 packages',
      );
    });
    await check('node-cjs', async () => {
      const out = lastJsonLine((await run('node', ['index.js', ...args], dirOf(nodeCjs))).stdout);
      assert.deepEqual(out.listed, expectedUsernames);
      assert.equal(out.errorClass, 'function');
      assert.equal(out.documentIdInManifest, true);
    });
    for (const resolution of ['nodenext', 'bundler']) {
      await check(`tsc-${resolution}`, async () => {
        await run(
          join(dirOf(typescript), 'node_modules/.bin/tsc'),
          ['-p', `tsconfig.${resolution}.json`],
          dirOf(typescript),
        );
        return 'no errors (strict, exactOptionalPropertyTypes, skipLibCheck false)';
      });
    }
    await check('vite-chromium', async () => {
      const dir = dirOf(vite);
      await run(join(dir, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], dir);
      await run(
        join(dir, 'node_modules/.bin/vite'),
        ['build', '--logLevel', 'warn', '--config', 'vite.all.config.js'],
        dir,
      );
      const oneCall = await bundleSize(join(dir, 'dist'));
      const allCalls = await bundleSize(join(dir, 'dist-all'));
      // One call imported: its document only. Operation names are string values in the
      // documents' ASTs (quoted any way a minifier likes).
      const holds = (text: string, name: string) => new RegExp(`["'\`]${name}["'\`]`).test(text);
      assert.ok(holds(oneCall.text, 'ProjectInvitations'), 'the one-call bundle holds its document');
      for (const other of [
        'ProjectInvitation',
        'ProjectsInvitations',
        'CreateInvitation',
        'UpdateInvitationRoles',
        'DeleteInvitation',
      ]) {
        assert.ok(!holds(oneCall.text, other), `the one-call bundle holds ${other} too`);
        assert.ok(holds(allCalls.text, other), `the all-calls bundle lacks ${other}`);
      }
      statics.serve(join(dir, 'dist'));
      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const page = await browser.context.newPage();
      await page.goto(`${statics.origin}/?gateway=${encodeURIComponent(gateway.url)}&project=${projectId}`);
      await page.waitForFunction(() => document.querySelector('#status')?.textContent !== 'loading', undefined, {
        timeout: 30_000,
      });
      const status = await page.textContent('#status');
      const items = await page.$$eval('#invitations li', (elements) =>
        elements.map((element) => element.textContent ?? ''),
      );
      assert.equal(status, `loaded ${expectedUsernames.length}`);
      assert.deepEqual(
        items.map((item) => item.split(' ')[0]),
        expectedUsernames,
      );
      return {
        listedInChromium: items.length,
        oneCallBundle: { minifiedBytes: oneCall.minified, gzipBytes: oneCall.gzip },
        allCallsBundle: { minifiedBytes: allCalls.minified, gzipBytes: allCalls.gzip },
      };
    });
    await check('webpack', async () => {
      const dir = dirOf(webpack);
      await run(join(dir, 'node_modules/.bin/webpack'), [], dir);
      const out = lastJsonLine((await run('node', ['run.cjs', ...args], dir)).stdout);
      assert.deepEqual(out.listed, expectedUsernames);
      const bundle = await bundleSize(join(dir, 'dist'));
      return { bundle: { minifiedBytes: bundle.minified, gzipBytes: bundle.gzip } };
    });
    await check('apollo', async () => {
      const out = lastJsonLine((await run('node', ['index.js', ...args], dirOf(apollo))).stdout) as {
        withPossibleTypes: { __typename: string; code?: string; message?: string };
        without: Record<string, unknown>;
      };
      assert.equal(out.withPossibleTypes.__typename, 'NotFoundError');
      assert.equal(out.withPossibleTypes.code, 'INVITATION_NOT_FOUND');
      assert.ok(out.withPossibleTypes.message);
      return { withPossibleTypes: out.withPossibleTypes, withoutPossibleTypes: out.without };
    });
    await check('urql', async () => {
      const out = lastJsonLine((await run('node', ['index.js', ...args], dirOf(urql))).stdout) as Record<
        string,
        { listed?: string[]; error?: unknown }
      >;
      assert.deepEqual(out.post?.listed, expectedUsernames);
      assert.deepEqual(out.getWithCsrfHeader?.listed, expectedUsernames);
      return { byDefault: out.byDefault, post: 'listed', getWithCsrfHeader: 'listed' };
    });
  } catch (error) {
    failures.push('setup');
    console.error(error);
  } finally {
    clearTimeout(watchdog);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
  report.durationSeconds = Math.round((Date.now() - started) / 1000);
  console.log(JSON.stringify(report, null, 2));
  console.log(
    failures.length
      ? `test:consumers: ${failures.length} failed: ${failures.join(', ')}`
      : 'test:consumers: all passed',
  );
  process.exit(failures.length ? 1 : 0);
}

await main();
