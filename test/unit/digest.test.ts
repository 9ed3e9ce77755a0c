import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import DigestFetch from 'digest-fetch';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Clock, systemClock } from '../../src/clock.ts';
import { MAX_HOLD_MS } from '../../src/ops-manager/digest.ts';
import { DigestChallengeError } from '../../src/ops-manager/digest-challenge.ts';
import { FetchDigestClient, type FetchLike } from '../fetch-send.ts';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
const REALM = 'MMS Public API';
const USER = { username: 'public-key', password: 'private-key' };

interface Exchange {
  method: string;
  url: string;
  nonce?: string;
  nc?: number;
  headers: IncomingMessage['headers'];
  body: string;
  outcome: 'challenge' | 'ok' | 'stale' | 'replay' | 'refused' | 'open';
}

interface TestServerOptions {
  /** How long a nonce is good for, on the server's clock (`server.clock`). @default 1 hour */
  lifetimeMs?: number;
  /** Answer everything with 200, no Digest at all. */
  open?: boolean;
  /** What a 401 says; a `Basic` one checks that non-Digest 401s come back untouched. */
  challenge?: (nonce: string, stale: boolean) => string;
  /** Runs before the credentials are checked, e.g. to hold one request back. */
  beforeCheck?: (exchange: Exchange) => Promise<void> | void;
}

/**
 * A small but real HTTP Digest server (RFC 2617, MD5, qop=auth) that checks what matters here:
 * the response digest over the request line as received, nonces it issued, stale=true after the
 * lifetime, and the nonce count strictly rising per nonce (a count not above the highest seen for
 * that nonce is refused, as Apache's AuthDigestNcCheck and the Ops Manager simulator do). Every
 * exchange is recorded, so tests count HTTP requests at the server, not at the client.
 */
class DigestTestServer {
  readonly exchanges: Exchange[] = [];
  clock = 0;
  readonly #nonces = new Map<string, { issuedAt: number; highestNc: number }>();
  readonly #server: Server;

  private constructor(
    readonly options: TestServerOptions,
    server: Server,
  ) {
    this.#server = server;
  }

  static async start(options: TestServerOptions = {}): Promise<DigestTestServer> {
    let instance!: DigestTestServer;
    const server = createServer((req, res) => void instance.#handle(req, res));
    instance = new DigestTestServer(options, server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  count(outcome?: Exchange['outcome']): number {
    return outcome === undefined ? this.exchanges.length : this.exchanges.filter((e) => e.outcome === outcome).length;
  }

  /** Nonce counts of the accepted requests, per nonce, in arrival order. */
  acceptedCounts(): Map<string, number[]> {
    const counts = new Map<string, number[]>();
    for (const { outcome, nonce, nc } of this.exchanges) {
      if (outcome !== 'ok' || nonce === undefined || nc === undefined) continue;
      counts.set(nonce, [...(counts.get(nonce) ?? []), nc]);
    }
    return counts;
  }

  closeIdleConnections(): void {
    this.#server.closeIdleConnections();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const exchange: Exchange = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
      outcome: 'challenge',
    };
    this.exchanges.push(exchange);
    const params = Object.fromEntries(
      [...(req.headers.authorization ?? '').matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)].map((m) => [
        m[1],
        m[2] ?? m[3],
      ]),
    );
    exchange.nonce = params.nonce;
    exchange.nc = params.nc === undefined ? undefined : Number.parseInt(params.nc, 16);
    await this.options.beforeCheck?.(exchange);
    exchange.outcome = this.options.open ? 'open' : this.#verify(exchange, params);

    if (exchange.outcome === 'ok' || exchange.outcome === 'open') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: exchange.method, url: exchange.url, body: exchange.body }));
      return;
    }
    const nonce = randomBytes(12).toString('hex');
    this.#nonces.set(nonce, { issuedAt: this.clock, highestNc: 0 });
    const stale = exchange.outcome === 'stale';
    const challenge =
      this.options.challenge ??
      ((n, s) => `Digest realm="${REALM}", domain="", nonce="${n}", algorithm=MD5, qop="auth", stale=${s}`);
    res.writeHead(401, { 'www-authenticate': challenge(nonce, stale), 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: 401, reason: 'Unauthorized', detail: 'You are not authorized for this resource.' }),
    );
  }

  #verify(exchange: Exchange, p: Record<string, string | undefined>): Exchange['outcome'] {
    if (p.response === undefined || p.nonce === undefined || exchange.nc === undefined) return 'challenge';
    const state = this.#nonces.get(p.nonce);
    if (p.uri !== exchange.url || p.realm !== REALM || p.username !== USER.username || state === undefined)
      return 'refused';
    const ha1 = md5(`${USER.username}:${REALM}:${USER.password}`);
    const ha2 = md5(`${exchange.method}:${exchange.url}`);
    if (p.response !== md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)) return 'refused';
    if (this.clock - state.issuedAt > (this.options.lifetimeMs ?? 3_600_000)) return 'stale';
    if (exchange.nc <= state.highestNc) return 'replay';
    state.highestNc = exchange.nc;
    return 'ok';
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup(
  options: TestServerOptions = {},
  credentials = USER,
  clock?: Partial<Pick<Clock, 'now' | 'after'>>,
) {
  const server = await DigestTestServer.start(options);
  const agent = new Agent({ connections: 64 });
  cleanups.push(
    () => server.close(),
    () => agent.close(),
  );
  const fetch = ((input, init) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as FetchLike;
  const logs: unknown[] = [];
  const logger = {
    debug: (obj: object, msg?: string) => logs.push(obj, msg),
    warn: (obj: object, msg?: string) => logs.push(obj, msg),
  };
  const client = new FetchDigestClient({ credentials, fetch, logger, clock: { ...systemClock, ...clock } });
  return { server, client, logs, fetch, url: (path = '/groups/1/invites') => `${server.baseUrl}${path}` };
}

/**
 * A server that holds every request sent with `x-attempt: hangs` until `releaseHeld()`, and a client whose holds
 * (MAX_HOLD_MS) end only when a test calls their `end`.
 */
async function setupWithHangs() {
  let releaseHeld!: () => void;
  const held = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });
  const holds: Array<{ ms: number; end: () => void }> = [];
  const after = (ms: number, end: () => void) => {
    holds.push({ ms, end });
    return () => {};
  };
  const hangs = (e: Exchange) => (e.headers['x-attempt'] === 'hangs' ? held : undefined);
  return { ...(await setup({ beforeCheck: hangs }, USER, { after })), holds, releaseHeld };
}

const times = <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => make(i)));

describe('DigestClient under concurrency', () => {
  it('gives concurrent requests unique, rising nonce counts', async () => {
    const { server, client, url } = await setup();
    const responses = await times(30, () => client.fetch(url()));

    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    const counts = [...server.acceptedCounts().values()];
    expect(counts).toHaveLength(1);
    expect([...(counts[0] ?? [])].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(server.count('replay')).toBe(0);
  });

  it('fetches the first challenge once for all waiting requests: N cold requests cost N+1', async () => {
    const { server, client, url } = await setup();
    await times(50, () => client.fetch(url()));

    expect(server.count()).toBe(51);
    expect(server.exchanges.filter((e) => e.headers.authorization === undefined)).toHaveLength(1);
    expect(server.count('replay')).toBe(0);
    expect(client.stats).toEqual({ logicalRequests: 50, httpRequests: 51, challenges: 1, staleRenewals: 0 });
  });

  it('(for contrast: digest-fetch alone pays 2N cold and sends one nc from concurrent requests)', async () => {
    const { server, url } = await setup();
    const plain = new DigestFetch(USER.username, USER.password);
    await times(10, () => plain.fetch(url()));
    expect(server.count()).toBe(20);
    await times(10, () => plain.fetch(url()));
    expect(server.count('replay')).toBeGreaterThan(0);
  });

  it('lets everyone through unauthenticated when the first answer needs no auth', async () => {
    const { server, client, url } = await setup({ open: true });
    const responses = await times(10, () => client.fetch(url()));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(server.count()).toBe(10);
    expect(server.exchanges.some((e) => e.headers.authorization !== undefined)).toBe(false);
  });

  it('renews a stale nonce once for all concurrent requests, invisibly to the callers', async () => {
    const { server, client, url } = await setup({ lifetimeMs: 1000 });
    // Enough calls for the pool to grow, so that most of the next 20 go out together.
    let next = 0;
    await times(20, async () => {
      while (next++ < 300) await (await client.fetch(url())).arrayBuffer();
    });
    server.clock += 1001;
    const before = server.count();
    const responses = await times(20, () => client.fetch(url()));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const afterwards = server.exchanges.slice(before);
    const stale = afterwards.filter((e) => e.outcome === 'stale').length;
    expect(stale).toBeGreaterThanOrEqual(10);
    expect(afterwards).toHaveLength(20 + stale);
    expect(new Set(afterwards.filter((e) => e.outcome === 'ok').map((e) => e.nonce)).size).toBe(1);
    expect(client.stats.staleRenewals).toBe(1);
  });

  it('opens new connections one at a time after an idle period, so no count is overtaken', async () => {
    let clock = 0;
    const { server, client, url } = await setup({}, USER, { now: () => clock });
    let next = 0;
    await times(30, async () => {
      while (next++ < 300) await (await client.fetch(url())).arrayBuffer();
    });
    // The server drops idle keep-alive connections (Node and Apache do after 5 s).
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock += 5000;
    const before = server.count();
    const responses = await times(30, () => client.fetch(url()));

    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(server.count() - before).toBe(30);
    expect(server.count('replay')).toBe(0);
  });

  it('retries a count overtaken in flight with a nonce of its own, got by a probe, and keeps it for later calls, one at a time', async () => {
    let releaseHeld!: () => void;
    const held = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    const { server, client, url } = await setup({
      // nc=2 reaches the check after nc=3..6 have been accepted, as in a server's worker threads.
      beforeCheck: (e) => (e.nc === 2 && e.headers['x-attempt'] === 'held' ? held : undefined),
    });
    await client.fetch(url());
    const slow = client.fetch(url(), { headers: { 'x-attempt': 'held' } });
    await times(4, () => client.fetch(url()));
    releaseHeld();

    expect((await slow).status).toBe(200);
    expect(server.count('replay')).toBe(1);
    // The shared nonce, then the refused call's own nonce (an unauthenticated probe, then nc=1).
    expect([...server.acceptedCounts().values()]).toEqual([[1, 3, 4, 5, 6], [1]]);
    expect(client.stats.httpRequests).toBe(2 + 1 + 4 + 2);

    const before = server.count();
    await times(5, () => client.fetch(url()));
    const nonces = server.exchanges
      .slice(before)
      .filter((e) => e.outcome === 'ok')
      .map((e) => e.nonce);
    expect(nonces).toHaveLength(5);
    // One call takes the kept nonce (its count 2), the four others share the first one.
    expect(new Set(nonces).size).toBe(2);
    expect([...server.acceptedCounts().values()]).toEqual([
      [1, 3, 4, 5, 6, 7, 8, 9, 10],
      [1, 2],
    ]);
  });

  it('lets a request that may open a connection hold the others back for MAX_HOLD_MS at most, so one that hangs does not hang them', async () => {
    const { server, client, url, holds, releaseHeld } = await setupWithHangs();
    await client.fetch(url()); // one connection warm
    const first = client.fetch(url());
    // In flight beside `first`, this one may open a second connection: it holds the shared nonce's next requests.
    const hanging = client.fetch(url(), { headers: { 'x-attempt': 'hangs' } });
    expect((await first).status).toBe(200);
    const heldBack = times(3, () => client.fetch(url()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = server.count();
    expect(before).toBe(4); // the probe, the first call, `first` and the hanging one: the three wait
    const hold = holds.at(-1)!; // the hanging request's
    expect(hold.ms).toBe(MAX_HOLD_MS);
    hold.end(); // its time is up

    expect((await heldBack).map((r) => r.status)).toEqual([200, 200, 200]);
    releaseHeld();
    // Overtaken while it hung, its count is refused; it retries on a nonce of its own.
    expect((await hanging).status).toBe(200);
    expect(server.count('replay')).toBe(1);
  });

  it('lets the cold probe hold the others back for MAX_HOLD_MS at most: when one hangs, another call probes', async () => {
    const { server, client, url, holds, releaseHeld } = await setupWithHangs();
    const hanging = client.fetch(url(), { headers: { 'x-attempt': 'hangs' } }); // the pilot: its probe hangs
    const heldBack = times(3, () => client.fetch(url()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.count()).toBe(1);
    // The pilot's hold, and its probe's as a request that may open a connection: their time is up.
    expect(holds.map(({ ms }) => ms)).toEqual([MAX_HOLD_MS, MAX_HOLD_MS]);
    for (const { end } of holds.splice(0)) end();

    expect((await heldBack).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(server.exchanges.filter((e) => e.headers.authorization === undefined)).toHaveLength(2);
    releaseHeld();
    expect((await hanging).status).toBe(200);
  });

  it('stays correct against a server that checks counts out of order, as Apache does', async () => {
    // Worker threads: each signed request waits a random moment between arrival and the check.
    const { server, client, url } = await setup({
      beforeCheck: (e) =>
        e.nc === undefined ? undefined : new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 4)),
    });
    let next = 0;
    const statuses: number[] = [];
    await times(25, async () => {
      while (next++ < 300) {
        const response = await client.fetch(url());
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    });

    expect(statuses).toEqual(Array(300).fill(200));
    expect(client.stats.httpRequests).toBeLessThanOrEqual(3 * 300);
    // Each refusal leaves its request a nonce of its own, kept for later calls: once there is one
    // per request in flight (25), nothing is shared and nothing overtaken. Measured: 23 or 24
    // refusals; without the kept nonces, refusals go on (105 to 112).
    expect(server.count('replay')).toBeLessThanOrEqual(35);
    console.log(
      `out-of-order server: 300 calls at 25-way -> ${server.count()} HTTP requests, ` +
        `${server.count('replay')} count refusals, ${server.count('challenge')} challenges`,
    );
  });
});

describe('DigestClient requests', () => {
  it('signs URL objects with the path and query exactly as sent', async () => {
    const { server, client } = await setup();
    const target = new URL(
      `${server.baseUrl}/api/public/v1.0/groups/5f1a/invites?username=a%40b.com&pretty=true#ignored`,
    );
    const response = await client.fetch(target);
    const spaced = await client.fetch(`${server.baseUrl}/with space/é?q=a b`);

    expect([response.status, spaced.status]).toEqual([200, 200]);
    expect(server.exchanges.filter((e) => e.outcome === 'ok').map((e) => e.url)).toEqual([
      '/api/public/v1.0/groups/5f1a/invites?username=a%40b.com&pretty=true',
      '/with%20space/%C3%A9?q=a%20b',
    ]);
  });

  it.each([
    ['a plain object', () => ({ 'content-type': 'application/json', accept: 'application/json' })],
    ['a Headers instance', () => new Headers({ 'content-type': 'application/json', accept: 'application/json' })],
    [
      'tuples',
      () =>
        [
          ['content-type', 'application/json'],
          ['accept', 'application/json'],
        ] as [string, string][],
    ],
  ])('keeps a JSON body and headers given as %s across the retry, without touching them', async (_, makeHeaders) => {
    const { server, client, url } = await setup();
    const headers = makeHeaders();
    const snapshot = JSON.stringify([...new Headers(headers)]);
    const body = JSON.stringify({ roles: ['GROUP_READ_ONLY'], username: 'jane@example.com' });
    const response = await client.fetch(url(), { method: 'POST', headers, body });

    expect(response.status).toBe(200);
    expect(server.exchanges.map((e) => [e.outcome, e.body, e.headers['content-type'], e.headers.accept])).toEqual([
      ['challenge', body, 'application/json', 'application/json'],
      ['ok', body, 'application/json', 'application/json'],
    ]);
    expect(JSON.stringify([...new Headers(headers)])).toBe(snapshot);
    expect(new Headers(headers).has('authorization')).toBe(false);
  });

  it('gives wrong credentials one clean 401 after at most 3 HTTP requests', async () => {
    const { server, client, url } = await setup({}, { username: USER.username, password: 'wrong' });
    const response = await client.fetch(url());

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ reason: 'Unauthorized' });
    expect(server.exchanges.map((e) => e.outcome)).toEqual(['challenge', 'refused', 'refused']);
    const concurrent = await times(10, () => client.fetch(url()));
    expect(concurrent.every((r) => r.status === 401)).toBe(true);
    expect(client.stats.httpRequests).toBeLessThanOrEqual(3 * 11);
  });

  it('never sends more than 3 HTTP requests for one call, whatever the server answers', async () => {
    // Every nonce is stale the moment it is issued.
    const { server, client, url } = await setup({ lifetimeMs: -1 });
    const responses = await times(10, () => client.fetch(url()));

    expect(responses.every((r) => r.status === 401)).toBe(true);
    expect(server.count()).toBeLessThanOrEqual(30);
    expect(client.stats.httpRequests).toBe(server.count());
  });

  it('returns a 401 without a Digest challenge as it is', async () => {
    const { server, client, url } = await setup({ challenge: () => 'Basic realm="elsewhere"' });
    const response = await client.fetch(url());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="elsewhere"');
    expect(server.count()).toBe(1);
  });

  it('rejects a challenge it cannot answer with a clear error', async () => {
    const { server, client, url } = await setup({
      challenge: (n) => `Digest realm="${REALM}", nonce="${n}", algorithm=SHA-256, qop="auth"`,
    });
    await expect(client.fetch(url())).rejects.toThrow(DigestChallengeError);
    await expect(client.fetch(url())).rejects.toThrow(/SHA-256/);
    expect(server.count()).toBe(2);
  });

  it('never logs the password, the HA1 or an Authorization header', async () => {
    const { server, client, logs, fetch, url } = await setup({ lifetimeMs: 10 });
    await client.fetch(url());
    server.clock += 100;
    await client.fetch(url());
    const logger = {
      debug: (obj: object, msg?: string) => logs.push(obj, msg),
      warn: (obj: object, msg?: string) => logs.push(obj, msg),
    };
    const wrong = new FetchDigestClient({
      credentials: { username: USER.username, password: 'bad-secret' },
      fetch,
      logger,
    });
    await wrong.fetch(url());

    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      USER.password,
      'bad-secret',
      md5(`${USER.username}:${REALM}:${USER.password}`),
      'response=',
      'Digest username',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('DigestClient and aborts', () => {
  it('does not fail the waiters when the request priming the first challenge is aborted', async () => {
    let unauthenticated = 0;
    let releaseFirst!: () => void;
    const { server, client, url } = await setup({
      // The primer's probe hangs at the server until the end of the test.
      beforeCheck: (e) => {
        if (e.headers.authorization !== undefined || ++unauthenticated > 1) return undefined;
        return new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
      },
    });
    const controller = new AbortController();
    const primer = client.fetch(url(), { signal: controller.signal });
    const waiters = times(5, () => client.fetch(url()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();

    await expect(primer).rejects.toThrow(/abort/i);
    expect((await waiters).map((r) => r.status)).toEqual(Array(5).fill(200));
    releaseFirst();
    // The aborted probe, then one waiter primes (probe + signed) and the other four sign.
    expect(server.count()).toBe(1 + 2 + 4);

    const before = server.count();
    await times(5, () => client.fetch(url()));
    expect(server.count() - before).toBe(5);
  });

  it('lets a waiter abort while it waits, without disturbing the others', async () => {
    let releaseFirst!: () => void;
    const { server, client, url } = await setup({
      beforeCheck: (e) =>
        e.headers.authorization === undefined
          ? new Promise<void>((resolve) => {
              releaseFirst = resolve;
            })
          : undefined,
    });
    const primer = client.fetch(url());
    const controller = new AbortController();
    const impatient = client.fetch(url(), { signal: controller.signal });
    const patient = client.fetch(url());
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('caller gave up'));

    await expect(impatient).rejects.toThrow('caller gave up');
    releaseFirst();
    expect([(await primer).status, (await patient).status]).toEqual([200, 200]);
    expect(server.count()).toBe(3);
  });

  it('keeps the shared nonce when a request is aborted on the wire: the next call pays no probe', async () => {
    const holds: Array<() => void> = [];
    const { server, client, url } = await setup({
      // The request marked "hang" hangs at the server until the end of the test.
      beforeCheck: (e) =>
        e.headers['x-attempt'] === 'hang' ? new Promise<void>((resolve) => holds.push(resolve)) : undefined,
    });
    await client.fetch(url());
    const controller = new AbortController();
    const aborted = client.fetch(url(), { headers: { 'x-attempt': 'hang' }, signal: controller.signal });
    await vi.waitFor(() => expect(holds).toHaveLength(1));
    controller.abort();
    await expect(aborted).rejects.toThrow(/abort/i);

    const before = server.count();
    expect((await client.fetch(url())).status).toBe(200);
    // The shared nonce at its next count: one request, no unauthenticated probe.
    expect(server.count() - before).toBe(1);
    expect(server.exchanges.at(-1)?.headers.authorization).toMatch(/^Digest /);
    for (const release of holds) release();
  });
});

describe('the measurement', () => {
  it('costs at most 1.01 HTTP requests per call: 1,000 GETs at 50-way concurrency in one nonce lifetime', async () => {
    const { server, client, url } = await setup();
    const calls = 1000;
    const concurrency = 50;
    let next = 0;
    const statuses: number[] = [];
    await times(concurrency, async () => {
      while (next < calls) {
        next += 1;
        const response = await client.fetch(url(`/groups/5f1a/invites?call=${next}`));
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    });

    const ratio = server.count() / calls;
    console.log(
      `digest measurement: ${calls} logical GETs at ${concurrency}-way concurrency -> ${server.count()} HTTP requests ` +
        `at the server (ratio ${ratio.toFixed(3)}; challenges ${server.count('challenge')}, count refusals ${server.count('replay')})`,
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(calls);
    expect(client.stats.httpRequests).toBe(server.count());
    expect(ratio).toBeLessThanOrEqual(1.01);
  });
});
