import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import type { Stack } from '../integration/stack.ts';

/**
 * What bad input gets, measured: one request to the gateway and what came back, with the
 * number of HTTP requests the simulated Ops Manager saw meanwhile. Shared by the property
 * tests (test/property) and the hand-written bad requests (test/bad-input).
 */

/** Every property runs from this seed, so that a run is reproducible. Change it to explore. */
export const SEED = 20_260_521;

export const [PAYMENTS] = DEMO_PROJECT_IDS as [string];
/** A well-formed project id Ops Manager does not know. */
export const MISSING_PROJECT = 'ffffffffffffffffffffffff';

/**
 * The documented codes: every code in the first column of the error table of docs/errors.md. Read
 * from the page itself, so that documenting a code there is what makes it acceptable here.
 */
export const DOCUMENTED_CODES: ReadonlySet<string> = documentedCodes(
  readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8'),
);

export function documentedCodes(page: string): Set<string> {
  const section = page;
  const codes = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const firstCell = row.split('|')[1] ?? '';
    for (const [, code] of firstCell.matchAll(/`([A-Z][A-Z_]+)`/g)) codes.add(code!);
  }
  return codes;
}

/** What a GraphQL-over-HTTP client sends (graphql-request, GraphiQL): the GraphQL response type first. */
export const ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

/** One HTTP request to the GraphQL endpoint. */
export interface Call {
  /** @default 'POST' */
  method?: string;
  /** Appended to the endpoint URL, e.g. '?query=...'. */
  search?: string;
  headers?: Record<string, string>;
  body?: BodyInit | null;
}

/** A POST of `body` as it is (a string is sent verbatim), JSON by content type. */
export function post(body: BodyInit, headers: Record<string, string> = {}): Call {
  return { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body };
}

/** A POST of one GraphQL operation. */
export function operation(query: string, variables?: unknown, more: Record<string, unknown> = {}): Call {
  return post(JSON.stringify({ query, variables, ...more }));
}

export interface ReportedError {
  message: unknown;
  code: unknown;
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  /** The parsed body; undefined when it is not JSON. */
  json: unknown;
  /** `errors[]`, and the typed error a mutation returns in `data` (`{ __typename, code, message }`). */
  errors: ReportedError[];
  /** HTTP requests the simulator saw while this one was answered (Digest challenges included). */
  upstreamRequests: number;
}

export type Transport = 'in-process' | 'http';

/**
 * Sends one request: in process through `gateway.fetch` (the bulk of the properties), or over
 * the loopback socket (a sample, to cover Node's HTTP parsing too). Requests are sequential, so
 * the simulator's counter delta belongs to this request alone.
 */
export async function send(stack: Stack, call: Call, transport: Transport = 'in-process'): Promise<Answer> {
  const before = stack.simulator.counters.snapshot().requests;
  const headers = new Headers(call.headers);
  // As over a socket, a body of known size declares it (the gateway's body limit reads it).
  if (transport === 'in-process' && !headers.has('content-length')) {
    if (typeof call.body === 'string') headers.set('content-length', String(Buffer.byteLength(call.body)));
    else if (call.body instanceof Uint8Array) headers.set('content-length', String(call.body.byteLength));
  }
  const init: RequestInit & { duplex?: 'half' } = { method: call.method ?? 'POST', headers, body: call.body ?? null };
  // A streamed body (sent chunked, without a length) must say so.
  if (call.body instanceof ReadableStream) init.duplex = 'half';
  const url = stack.url + (call.search ?? '');
  const response = transport === 'http' ? await fetch(url, init) : await stack.gateway.fetch(new Request(url, init));
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    json,
    errors: errorsOf(json),
    upstreamRequests: stack.simulator.counters.snapshot().requests - before,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorsOf(json: unknown): ReportedError[] {
  if (!isRecord(json)) return [];
  const errors: ReportedError[] = [];
  if (Array.isArray(json.errors)) {
    for (const error of json.errors as unknown[]) {
      const extensions = isRecord(error) && isRecord(error.extensions) ? error.extensions : {};
      errors.push({ message: isRecord(error) ? error.message : undefined, code: extensions.code });
    }
  }
  if (isRecord(json.data)) {
    for (const value of Object.values(json.data)) {
      if (isRecord(value) && 'code' in value && 'message' in value)
        errors.push({ message: value.message, code: value.code });
    }
  }
  return errors;
}

/** A V8 stack frame after a line break (raw or JSON-escaped): `\n    at fn (file.ts:12:5)`. */
const STACK_FRAME = /(\n|\\n)\s+at \S.*:\d+:\d+/;

/**
 * Why this answer is not a clear refusal a client can switch on: no GraphQL error body, an error
 * without a message or without a documented `extensions.code`, a stack trace. Empty when it is one.
 */
export function flawsOfRefusal(answer: Answer): string[] {
  const flaws: string[] = [];
  if (answer.json === undefined) {
    flaws.push(
      `no GraphQL error body: ${answer.status} ${answer.contentType ?? '(no content-type)'} ${JSON.stringify(answer.text.slice(0, 80))}`,
    );
  } else if (answer.errors.length === 0) {
    flaws.push(`no error: ${answer.status} ${answer.text.slice(0, 120)}`);
  }
  for (const { message, code } of answer.errors) {
    if (typeof message !== 'string' || message.trim() === '')
      flaws.push(`an error without a message (code ${String(code)})`);
    if (typeof code !== 'string')
      flaws.push(`an error without extensions.code: ${JSON.stringify(message).slice(0, 160)}`);
    else if (!DOCUMENTED_CODES.has(code))
      flaws.push(`an undocumented code ${code}: ${JSON.stringify(message).slice(0, 160)}`);
  }
  if (STACK_FRAME.test(answer.text)) flaws.push('a stack trace in the body');
  return flaws;
}

/** What no input may ever do: fail the gateway (5xx) or, when invalid, reach Ops Manager. */
export function expectHarmless(answer: Answer, { upstreamAllowed = false } = {}): void {
  expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
  if (!upstreamAllowed) expect(answer.upstreamRequests, 'upstream requests for invalid input').toBe(0);
}

export interface Expected {
  /** Allowed statuses. @default any status below 500 */
  status?: readonly number[];
  /** Allowed codes, a subset of DOCUMENTED_CODES. @default every documented code */
  codes?: readonly string[];
}

/** flawsOfRefusal, and a status or code other than the ones expected of this kind of input. */
export function refusalFlaws(answer: Answer, expected: Expected = {}): string[] {
  const flaws = flawsOfRefusal(answer);
  if (expected.status && !expected.status.includes(answer.status))
    flaws.push(`status ${answer.status}, expected ${expected.status.join(' or ')}`);
  const codes = expected.codes;
  if (codes) {
    for (const { code, message } of answer.errors) {
      if (typeof code === 'string' && !codes.includes(code))
        flaws.push(`code ${code}, expected ${codes.join(' or ')}: ${JSON.stringify(message).slice(0, 160)}`);
    }
  }
  return flaws;
}

/** A clear, coded refusal, with no upstream call. */
export function expectRefused(answer: Answer, expected: Expected = {}): void {
  expectHarmless(answer);
  expect(refusalFlaws(answer, expected)).toEqual([]);
}

const LIVENESS = JSON.stringify({ query: `{ project(id: "${PAYMENTS}") { id } }` });

/** The gateway still answers a known-good operation (parse, validation, scalars, execution; no upstream call). */
export async function expectStillServing(stack: Stack, transport: Transport = 'in-process'): Promise<void> {
  const answer = await send(stack, post(LIVENESS), transport);
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ data: { project: { id: PAYMENTS } } });
}

/** The whole path still works, Ops Manager included: a known-good read of a project's invitations. */
export async function expectUpstreamPathServing(stack: Stack, transport: Transport = 'in-process'): Promise<void> {
  const answer = await send(
    stack,
    operation(`{ project(id: "${PAYMENTS}") { invitations { id username } } }`),
    transport,
  );
  expect(answer.status).toBe(200);
  const invitations = (answer.json as { data?: { project?: { invitations?: unknown[] } } }).data?.project?.invitations;
  expect(answer.errors).toEqual([]);
  expect(invitations?.length).toBeGreaterThan(0);
  expect(answer.upstreamRequests).toBeGreaterThan(0);
}

/**
 * Log lines at level error or above (pino: 50 and up). Yoga logs an unexpected (masked) error
 * there, so a bad input that made anything go wrong inside the gateway shows up here even when
 * its answer looks fine. Stacks in these suites log at 'warn': cheap, and still swept for secrets.
 */
export function errorLogLines(stack: Stack): string[] {
  return stack.logLines.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return true;
    }
  });
}

/** The status and codes of an answer, as the summary counts it: `400 BAD_USER_INPUT`. */
export function answerKind(answer: Answer): string {
  if (answer.json === undefined) return `${answer.status} (no GraphQL body)`;
  if (answer.errors.length === 0) return `${answer.status} (no error)`;
  const codes = [...new Set(answer.errors.map(({ code }) => (typeof code === 'string' ? code : '(no code)')))].sort();
  return `${answer.status} ${codes.join('+')}`;
}

/** Counts per bad-input class: inputs tried, upstream requests caused, and the kinds of answers. */
export class Tally {
  readonly #classes = new Map<string, { inputs: number; upstream: number; answers: Map<string, number> }>();

  record(inputClass: string, answer: Answer): void {
    let row = this.#classes.get(inputClass);
    if (!row) this.#classes.set(inputClass, (row = { inputs: 0, upstream: 0, answers: new Map() }));
    row.inputs += 1;
    row.upstream += answer.upstreamRequests;
    const kind = answerKind(answer);
    row.answers.set(kind, (row.answers.get(kind) ?? 0) + 1);
  }

  get inputs(): number {
    return [...this.#classes.values()].reduce((sum, row) => sum + row.inputs, 0);
  }

  /** A small table for the log: one line per class. */
  format(title: string): string {
    const width = Math.max(...[...this.#classes.keys()].map((name) => name.length), 5);
    const lines = [
      `${title}: ${this.inputs} inputs`,
      `${'class'.padEnd(width)}  inputs  upstream  answers (status code × count)`,
    ];
    for (const [name, row] of this.#classes) {
      const answers = [...row.answers].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind} ×${count}`);
      lines.push(
        `${name.padEnd(width)}  ${String(row.inputs).padStart(6)}  ${String(row.upstream).padStart(8)}  ${answers.join(', ')}`,
      );
    }
    return lines.join('\n');
  }
}

export interface RunOptions {
  numRuns: number;
  /** Stop at the first counterexample without shrinking it (for known gaps, which fail today). */
  endOnFailure?: boolean;
}

/** fast-check's assert over an async predicate, from the fixed seed. */
export async function forAll<T>(
  arbitrary: fc.Arbitrary<T>,
  options: RunOptions,
  predicate: (value: T) => Promise<void>,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await predicate(value);
    }),
    { seed: SEED, numRuns: options.numRuns, endOnFailure: options.endOnFailure ?? false },
  );
}
