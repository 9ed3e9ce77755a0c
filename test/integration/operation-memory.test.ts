import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { type Clock, systemClock } from '../../src/clock.ts';
import { createLogger } from '../../src/logger.ts';
import type { OpsManagerClient } from '../../src/ops-manager/client.ts';
import { createUpstream, type Upstream } from '../../src/ops-manager/upstream.ts';
import {
  DEMO_API_KEY,
  generatedInvitationId,
  generatedProjectId,
  type Simulator,
  startSimulator,
} from '../../src/simulator/index.ts';
import { stackConfig } from './stack.ts';

/**
 * Nothing of an operation outlives its answer: after a few thousand operations (reads over 100
 * projects, 30-alias reads, mutations, idempotent replays, refused documents) and a full GC, no
 * operation's signal and no answer its loader read is still reachable, and no deadline timer is
 * still pending. Real HTTP and Digest against the simulator, through createApp; the client is the
 * real one, wrapped to register what each call was given and what it answered.
 */

// A GC on demand, for this file only.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PROJECTS = 100;
const OPERATIONS = 2_000;
const CONCURRENCY = 16;

/** Counts objects registered and not yet collected. */
function liveObjects() {
  let live = 0;
  let registered = 0;
  const registry = new FinalizationRegistry<undefined>(() => {
    live -= 1;
  });
  return {
    track(value: unknown) {
      if (typeof value !== 'object' || value === null) return;
      live += 1;
      registered += 1;
      registry.register(value, undefined);
    },
    /** Registered and not collected yet (a GC during the load may already have collected some). */
    get live() {
      return live;
    },
    /** Registered in all. */
    get registered() {
      return registered;
    },
  };
}

/** The client, each call's signal and each answer registered with `tracked`. */
function trackingClient(client: OpsManagerClient, tracked: ReturnType<typeof liveObjects>): OpsManagerClient {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const options = args.at(-1) as { signal?: AbortSignal } | undefined;
        tracked.track(options?.signal);
        const answer = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (answer instanceof Promise)
          answer.then(
            (result) => tracked.track(result),
            () => undefined,
          );
        return answer;
      };
    },
  });
}

const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/** The system clock, counting the timers it has pending. */
function countingClock(): Clock & { pending(): number } {
  let pending = 0;
  return {
    ...systemClock,
    after(ms, callback) {
      pending += 1;
      let done = false;
      const finish = () => {
        if (!done) pending -= 1;
        done = true;
      };
      const cancel = systemClock.after(ms, () => {
        finish();
        callback();
      });
      return () => {
        finish();
        cancel();
      };
    },
    pending: () => pending,
  };
}

const read = (project: number) =>
  JSON.stringify({
    query: 'query ($id: ObjectID!) { project(id: $id) { id invitations { id username roles createdAt expiresAt } } }',
    variables: { id: generatedProjectId(project) },
  });
const aliases = JSON.stringify({
  query: `{ ${Array.from({ length: 30 }, (_, alias) => `a${alias}: project(id: "${generatedProjectId(alias % 10)}") { invitations { id roles } }`).join(' ')} }`,
});
const mutation = (index: number) =>
  JSON.stringify({
    query:
      'mutation ($p: ObjectID!, $i: ObjectID!, $r: [ProjectRole!]!) { updateInvitationRoles(projectId: $p, invitation: { id: $i }, roles: $r) { __typename } }',
    variables: {
      p: generatedProjectId(0),
      i: generatedInvitationId(0, index % 10),
      r: index % 2 ? ['GROUP_READ_ONLY'] : ['GROUP_OWNER'],
    },
  });
const refused = JSON.stringify({ query: '{ project(id: "not-an-id") { id } }' });

/** The n-th operation of the mix: mostly one project each, and every kind of ending. */
function operation(n: number): { body: string; headers?: Record<string, string> } {
  if (n % 50 === 7) return { body: aliases };
  if (n % 50 === 17) return { body: mutation(n) };
  // The same key and body every time: the first runs, the others are replayed.
  if (n % 50 === 27) return { body: mutation(1), headers: { 'idempotency-key': '"memory-test"' } };
  if (n % 50 === 37) return { body: refused };
  return { body: read(n % PROJECTS) };
}

describe('memory: nothing of an operation outlives its answer', () => {
  const tracked = liveObjects();
  const clock = countingClock();
  let simulator: Simulator;
  let upstream: Upstream;
  let app: App;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: { projects: PROJECTS, invitationsPerProject: 10 } });
    const config = stackConfig({ logLevel: 'silent' });
    const logger = createLogger({ level: 'silent' });
    const upstreamConfig = {
      baseUrl: simulator.baseUrl,
      publicKey: DEMO_API_KEY.publicKey,
      privateKey: DEMO_API_KEY.privateKey,
    };
    upstream = createUpstream({
      ...upstreamConfig,
      logger,
      clock,
      ...config.upstreamCalls,
    });
    // The app's own upstream stays unused (`client` stands in for its client); app.close() closes it.
    app = await createApp(config, {
      logger,
      clock,
      upstream: upstreamConfig,
      client: trackingClient(upstream.client, tracked),
      audit: discard(),
    });
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.close();
    await simulator?.close();
  });

  it(`keeps no operation's signal, answers or deadline timer after ${OPERATIONS} operations`, {
    timeout: 120_000,
  }, async () => {
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < OPERATIONS) {
        const { body, headers } = operation(next++);
        const response = await app.gateway.fetch('http://127.0.0.1/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
          body,
        });
        await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Every kind of ending happened: answers, and the refused documents (400).
    expect(statuses.get(200)).toBe(OPERATIONS - OPERATIONS / 50);
    expect(statuses.get(400)).toBe(OPERATIONS / 50);
    // Every operation that reached the context armed its deadline, and its answer disarmed it.
    expect(clock.pending()).toBe(0);

    const registered = tracked.registered;
    expect(registered).toBeGreaterThan(OPERATIONS);
    // Finalizers run after a GC, as tasks of their own: collect, let them run, again.
    for (let round = 0; round < 10 && tracked.live > 0; round += 1) {
      gc();
      await sleep(20);
    }
    expect({ registered, stillReachable: tracked.live }).toEqual({ registered, stillReachable: 0 });
  });
});
