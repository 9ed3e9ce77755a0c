import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { RequestCounters } from './counters.ts';
import type { SeedOption } from './demo-data.ts';
import type { Fault, FaultQueue } from './faults.ts';
import { readRequestBody } from './http-body.ts';
import { sendRaw } from './responses.ts';
import type { SimulatorStore } from './store.ts';

/** Prefix of the control endpoints. They need no auth and are not counted as API requests. */
export const CONTROL_PATH_PREFIX = '/__simulator/';

export interface SimulatorControls {
  counters: RequestCounters;
  faults: FaultQueue;
  store: SimulatorStore;
  setLatency(ms: number): void;
}

const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(200).max(599),
    retryAfterSeconds: z.number().nonnegative().nullable().optional(),
    body: z.unknown().optional(),
  }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('malformed-json') }),
  z.strictObject({ kind: z.literal('wrong-shape') }),
  z.strictObject({ kind: z.literal('reset'), after: z.enum(['receive', 'apply']).optional() }),
  z.strictObject({ kind: z.literal('hang') }),
]);

// Compile-time check that the wire schema and the `Fault` type stay the same thing.
const sameFault: (fault: z.infer<typeof faultSchema>) => Fault = (fault) => fault;

const injectSchema = z.strictObject({
  fault: faultSchema,
  // JSON has no Infinity: send the string "Infinity" for a fault that never runs out.
  times: z.union([z.number().int().positive(), z.literal('Infinity')]).optional(),
  match: z
    .strictObject({ method: z.string().optional(), route: z.string().optional(), groupId: z.string().optional() })
    .optional(),
});

const latencySchema = z.strictObject({ ms: z.number().nonnegative() });

const seedSchema = z.strictObject({
  seed: z
    .union([
      z.literal('demo'),
      z.literal('empty'),
      z.strictObject({
        projects: z.number().int().nonnegative(),
        invitationsPerProject: z.number().int().nonnegative(),
      }),
    ])
    .optional(),
});

/**
 * The HTTP face of the test controls, for the standalone simulator and scripts in other processes:
 *   GET    /__simulator/counters          counters snapshot
 *   POST   /__simulator/counters/reset
 *   GET    /__simulator/faults            {"pending": n}
 *   POST   /__simulator/faults            {"fault": Fault, "times"?: n | "Infinity", "match"?: FaultMatch}
 *   DELETE /__simulator/faults
 *   POST   /__simulator/latency           {"ms": n}
 *   POST   /__simulator/reset             reseed the data; optional {"seed": "demo" | "empty" | {...}}
 */
export async function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  controls: SimulatorControls,
): Promise<void> {
  const action = `${request.method ?? ''} ${pathname.slice(CONTROL_PATH_PREFIX.length).replace(/\/$/, '')}`;
  const json = (status: number, body: unknown) => sendRaw(response, status, JSON.stringify(body), 'application/json');
  const done = () => {
    response.writeHead(204);
    response.end();
  };

  const readJson = async <T>(schema: z.ZodType<T>, emptyValue?: T): Promise<T | undefined> => {
    const read = await readRequestBody(request, 64 * 1024);
    if (read.tooLarge) {
      json(413, { error: 'body too large' });
      return undefined;
    }
    const text = read.body.toString('utf8').trim();
    if (text === '' && emptyValue !== undefined) return emptyValue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      json(400, { error: 'body is not JSON' });
      return undefined;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      json(400, { error: z.prettifyError(parsed.error) });
      return undefined;
    }
    return parsed.data;
  };

  switch (action) {
    case 'GET counters':
      return json(200, controls.counters.snapshot());
    case 'POST counters/reset':
      controls.counters.reset();
      return done();
    case 'GET faults':
      return json(200, { pending: serializeCount(controls.faults.pending()) });
    case 'POST faults': {
      const injected = await readJson(injectSchema);
      if (injected === undefined) return;
      controls.faults.inject(sameFault(injected.fault), {
        times: injected.times === 'Infinity' ? Infinity : injected.times,
        match: injected.match,
      });
      return json(201, { pending: serializeCount(controls.faults.pending()) });
    }
    case 'DELETE faults':
      controls.faults.clear();
      return done();
    case 'POST latency': {
      const latency = await readJson(latencySchema);
      if (latency === undefined) return;
      controls.setLatency(latency.ms);
      return done();
    }
    case 'POST reset': {
      const reset = await readJson(seedSchema, {});
      if (reset === undefined) return;
      controls.store.reset(reset.seed as SeedOption | undefined);
      return done();
    }
    default:
      return json(404, { error: `no simulator control ${action}` });
  }
}

const serializeCount = (count: number): number | 'Infinity' => (count === Infinity ? 'Infinity' : count);
