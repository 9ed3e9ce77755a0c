import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../integration/stack.ts';
import {
  ACCEPT,
  type Answer,
  type Call,
  DOCUMENTED_CODES,
  errorLogLines,
  type Expected,
  expectRefused,
  refusalFlaws,
  expectStillServing,
  expectUpstreamPathServing,
  MISSING_PROJECT,
  operation,
  PAYMENTS,
  post,
  send,
  Tally,
  type Transport,
} from '../property/harness.ts';

/**
 * Hand-written bad requests. Each must get a clear 4xx GraphQL error body,
 * `{ errors: [{ message, extensions: { code } }] }`, with a code from the error table of docs/errors.md;
 * none may reach Ops Manager; and the gateway must keep answering.
 */

interface BadRequest {
  name: string;
  call: () => Call;
  /** @default 'in-process' */
  transport?: Transport;
  /** @default any 4xx status, any documented code */
  expected?: Expected;
  /** Runs first; throws when sending the request would be unsafe (it would exhaust memory). */
  precondition?: (stack: Stack) => Promise<void>;
}

const PROJECT_READ = 'query ($id: ObjectID!) { project(id: $id) { id invitations { id } } }';
const PROJECTS_READ = 'query ($ids: [ObjectID!]!) { projects(ids: $ids) { id } }';
const INVITATIONS_BY_USERNAME = `query ($u: EmailAddress) { project(id: "${PAYMENTS}") { invitations(username: $u) { id } } }`;
const CREATE_WITH_ROLES = `mutation ($r: [ProjectRole!]!) { createInvitation(projectId: "${PAYMENTS}", username: "a@example.com", roles: $r) { __typename } }`;
const UPDATE_WITH_SELECTOR = `mutation ($s: InvitationSelector!) { updateInvitationRoles(projectId: "${PAYMENTS}", invitation: $s, roles: [GROUP_OWNER]) { __typename } }`;
/** A body every content type below carries: read as JSON it is a bad id, refused with 400. */
const BAD_ID_BODY = JSON.stringify({ query: PROJECT_READ, variables: { id: 'not-an-id' } });
const MUTATION = `mutation { createInvitation(projectId: "${PAYMENTS}", username: "new.person@example.com", roles: [GROUP_READ_ONLY]) { __typename } }`;
const CSRF = { 'x-graphql-yoga-csrf': '1' };
const FOUR_XX = Array.from({ length: 100 }, (_, i) => 400 + i);

/** `invitations { project { … } }` nested `levels` times under one project. */
function nested(projectId: string, levels: number): string {
  let selection = 'id';
  for (let level = 0; level < levels; level += 1) selection = `invitations { project { ${selection} } }`;
  return `{ project(id: "${projectId}") { ${selection} } }`;
}

/** `count` valid ids, all different. */
function distinctIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => i.toString(16).padStart(24, '0'));
}

/** `count` aliases of one field. */
function aliases(count: number, field: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

function get(query: string, headers: Record<string, string> = { accept: ACCEPT, ...CSRF }): Call {
  return { method: 'GET', search: `?query=${encodeURIComponent(query)}`, headers };
}

function raw(body: BodyInit, headers: Record<string, string>): Call {
  return { method: 'POST', headers, body };
}

/** Plain `Accept: application/json`, as curl, fetch and older clients send it. */
const JSON_ONLY = { 'content-type': 'application/json', accept: 'application/json' };

/**
 * Requests that are not well-formed GraphQL-over-HTTP requests, under plain `Accept:
 * application/json`: the spec says 400 (not the 200 it keeps for a document that fails to parse
 * or validate). These answered 200 once: useStableErrorCodes dropped the parser internals Yoga
 * reads to choose 400 (audits BCF8, A5BF); a missing query answered 200 in Yoga itself.
 */
const MALFORMED_UNDER_JSON: BadRequest[] = [
  {
    name: 'missing query, Accept: application/json',
    call: () => raw(JSON.stringify({ variables: {} }), JSON_ONLY),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'malformed JSON, Accept: application/json',
    call: () => raw('{"query": ', JSON_ONLY),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'an empty body, Accept: application/json',
    call: () => raw('', JSON_ONLY),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'a JSON null body, Accept: application/json',
    call: () => raw('null', JSON_ONLY),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'query is a number, Accept: application/json',
    call: () => raw('{"query":42}', JSON_ONLY),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'malformed JSON, Accept: application/json, over HTTP',
    call: () => raw('{"query": ', JSON_ONLY),
    transport: 'http',
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'an empty body without Accept, over HTTP',
    call: () => raw('', { 'content-type': 'application/json' }),
    transport: 'http',
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
];

/** Fixed in the gateway once (request guard, subscription rule, 4xx limits, stable error codes). */
const FIXED: BadRequest[] = [
  // Refused before execution: the mutation must not run (it used to, and then answer 406).
  {
    name: 'a mutation with Accept: application/xml',
    call: () =>
      raw(JSON.stringify({ query: MUTATION }), { 'content-type': 'application/json', accept: 'application/xml' }),
    expected: { status: [406], codes: ['NOT_ACCEPTABLE'] },
  },
  {
    name: 'a query with Accept: text/html',
    call: () =>
      raw(JSON.stringify({ query: nested(PAYMENTS, 1) }), { 'content-type': 'application/json', accept: 'text/html' }),
    expected: { status: [406], codes: ['NOT_ACCEPTABLE'] },
  },
  {
    name: 'Content-Type: application/graphql-response+json (a response type)',
    call: () => raw(BAD_ID_BODY, { 'content-type': 'application/graphql-response+json', accept: ACCEPT }),
    expected: { status: [415], codes: ['UNSUPPORTED_MEDIA_TYPE'] },
  },
  {
    name: 'Content-Type: application/xml',
    call: () => raw(BAD_ID_BODY, { 'content-type': 'application/xml', accept: ACCEPT }),
    expected: { status: [415], codes: ['UNSUPPORTED_MEDIA_TYPE'] },
  },
  // Media types are case-insensitive (RFC 9110): read as JSON, then 400 for the bad id.
  {
    name: 'Content-Type: Application/JSON (upper case)',
    call: () => raw(BAD_ID_BODY, { 'content-type': 'Application/JSON', accept: ACCEPT }),
    expected: { status: [400], codes: ['BAD_USER_INPUT'] },
  },
  {
    name: 'text/plain with the CSRF header',
    call: () => raw(BAD_ID_BODY, { 'content-type': 'text/plain', accept: ACCEPT, ...CSRF }),
    expected: { status: [415], codes: ['UNSUPPORTED_MEDIA_TYPE'] },
  },
  {
    name: 'an unknown operationName',
    call: () => operation('query A { __typename }', undefined, { operationName: 'B' }),
    expected: { status: [400], codes: ['OPERATION_RESOLUTION_FAILURE'] },
  },
  {
    name: 'two operations and no operationName',
    call: () => operation('query A { __typename } query B { __typename }'),
    expected: { status: [400], codes: ['OPERATION_RESOLUTION_FAILURE'] },
  },
  {
    name: 'a 90 KB operationName',
    call: () => operation('query A { __typename }', undefined, { operationName: 'x'.repeat(90_000) }),
    expected: { status: [400], codes: ['OPERATION_RESOLUTION_FAILURE'] },
  },
  {
    name: 'a subscription (the schema has none)',
    call: () => operation('subscription { project }'),
    expected: { status: [400], codes: ['GRAPHQL_VALIDATION_FAILED'] },
  },
  {
    name: 'more than 100 distinct project ids (the project limit)',
    call: () => operation(PROJECTS_READ, { ids: distinctIds(101) }),
    expected: { status: [400], codes: ['BAD_USER_INPUT'] },
  },
  {
    name: 'one project id 101 times (the 100-id limit)',
    call: () => operation(PROJECTS_READ, { ids: Array(101).fill(PAYMENTS) }),
    expected: { status: [400], codes: ['BAD_USER_INPUT'] },
  },
];

const BAD_REQUESTS: BadRequest[] = [
  ...FIXED,
  ...MALFORMED_UNDER_JSON,
  // Bodies
  { name: 'malformed JSON', call: () => post('{"query": '), expected: { status: [400], codes: ['BAD_REQUEST'] } },
  { name: 'an empty body', call: () => post(''), expected: { status: [400], codes: ['BAD_REQUEST'] } },
  { name: 'a JSON null body', call: () => post('null'), expected: { status: [400] } },
  { name: 'a JSON number body', call: () => post('42'), expected: { status: [400] } },
  { name: 'a JSON string body', call: () => post('"{ __typename }"'), expected: { status: [400] } },
  {
    name: 'invalid UTF-8 in the body',
    call: () => post(new Uint8Array([0x7b, 0x22, 0x71, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])),
    expected: { status: [400] },
  },
  {
    name: 'a NUL byte in the document',
    call: () => operation('{ __typename \u0000 }'),
    expected: { status: [400], codes: ['GRAPHQL_PARSE_FAILED'] },
  },
  {
    name: 'a __proto__ member in the body',
    call: () => post('{"__proto__":{"query":"{ __typename }"},"query":"{ __typename }"}'),
    expected: { status: [400] },
  },
  {
    name: 'a 2 MB body',
    call: () => operation('{ __typename }', { padding: 'x'.repeat(2_000_000) }),
    expected: { status: [413], codes: ['PAYLOAD_TOO_LARGE'] },
  },
  {
    name: 'a 2 MB body without a length (chunked)',
    call: () => post(chunked(2_000_000)),
    expected: { status: [413], codes: ['PAYLOAD_TOO_LARGE'] },
  },
  // Content types (a browser can send these cross-site without a preflight: CSRF protection refuses them)
  {
    name: 'text/plain without the CSRF header',
    call: () => raw(BAD_ID_BODY, { 'content-type': 'text/plain', accept: ACCEPT }),
  },
  {
    name: 'form-urlencoded without the CSRF header',
    call: () => raw(new URLSearchParams({ query: '{ __typename }' }), { accept: ACCEPT }),
  },
  { name: 'multipart without the CSRF header', call: () => raw(multipart(), { accept: ACCEPT }) },
  { name: 'no content type', call: () => raw(new TextEncoder().encode(BAD_ID_BODY), { accept: ACCEPT }) },
  // Methods
  { name: 'a GET carrying a mutation', call: () => get(MUTATION), expected: { status: [405] } },
  { name: 'a GET carrying a mutation, without the CSRF header', call: () => get(MUTATION, { accept: ACCEPT }) },
  { name: 'a PUT', call: () => ({ ...post(BAD_ID_BODY), method: 'PUT' }), expected: { status: [405] } },
  {
    name: 'a DELETE',
    call: () => ({ method: 'DELETE', headers: { accept: ACCEPT, ...CSRF } }),
    expected: { status: [405] },
  },
  // Documents
  { name: 'missing query', call: () => post('{"variables":{}}'), expected: { status: [400], codes: ['BAD_REQUEST'] } },
  { name: 'query is a number', call: () => post('{"query":42}'), expected: { status: [400], codes: ['BAD_REQUEST'] } },
  {
    name: 'variables is a string',
    call: () => post(JSON.stringify({ query: PROJECT_READ, variables: '{"id":"x"}' })),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'extensions is an array',
    call: () => post(JSON.stringify({ query: '{ __typename }', extensions: [1] })),
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'a batch (not supported)',
    call: () => post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }])),
    expected: { status: [400] },
  },
  { name: 'an empty batch', call: () => post('[]'), expected: { status: [400] } },
  {
    name: 'a syntax error',
    call: () => operation('{ project(id: '),
    expected: { status: [400], codes: ['GRAPHQL_PARSE_FAILED'] },
  },
  {
    name: 'an unknown field',
    call: () => operation('{ projekt(id: "x") { id } }'),
    expected: { status: [400], codes: ['GRAPHQL_VALIDATION_FAILED'] },
  },
  {
    name: 'a fragment cycle',
    call: () => operation('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
    expected: { status: [400] },
  },
  // Limits
  { name: 'a query 50 levels deep', call: () => operation(nested(MISSING_PROJECT, 25)), expected: { status: [400] } },
  {
    name: 'a query 50 levels deep over a project with 3 invitations (3^25 objects if run)',
    precondition: async (stack) => {
      // Without a depth limit this query exhausts the heap (measured before the hardening):
      // send it only once the same depth over a missing project is refused unrun.
      const probe = await send(stack, operation(nested(MISSING_PROJECT, 25)));
      if (probe.upstreamRequests > 0 || probe.status < 400)
        throw new Error('no depth limit: not sending a query that would exhaust memory');
    },
    call: () => operation(nested(PAYMENTS, 25)),
    expected: { status: [400] },
  },
  {
    name: '1,000 aliases',
    call: () => operation(aliases(1_000, `project(id: "${PAYMENTS}") { invitations { id } }`)),
    expected: { status: [400] },
  },
  {
    name: '60 aliases (over the alias limit, under the token limit)',
    call: () => operation(aliases(60, `project(id: "${PAYMENTS}") { id }`)),
    expected: { status: [400] },
  },
  {
    name: 'a huge token count (8,000 fields)',
    call: () => operation(`{ ${'__typename '.repeat(8_000)}}`),
    expected: { status: [400] },
  },
  {
    name: 'a huge token count (3,400 ids in a list)',
    call: () => operation(`{ projects(ids: ${JSON.stringify(distinctIds(3_400))}) { id } }`),
    expected: { status: [400] },
  },
  {
    name: '1,000 directives',
    call: () => operation(`{ __typename ${'@skip(if: false) '.repeat(1_000)}}`),
    expected: { status: [400] },
  },
  // Long strings
  {
    name: 'a 90 KB id',
    call: () => operation(PROJECT_READ, { id: 'a'.repeat(90_000) }),
    expected: { status: [400], codes: ['BAD_USER_INPUT'] },
  },
  {
    name: 'a 1 MB id',
    call: () => operation(PROJECT_READ, { id: 'a'.repeat(1_000_000) }),
    expected: { status: [413], codes: ['PAYLOAD_TOO_LARGE'] },
  },
  {
    name: 'a 90 KB email',
    call: () => operation(INVITATIONS_BY_USERNAME, { u: `${'a'.repeat(90_000)}@example.com` }),
    expected: { status: [400], codes: ['BAD_USER_INPUT'] },
  },
  { name: 'a 90 KB field name', call: () => operation(`{ ${'a'.repeat(90_000)} }`), expected: { status: [400] } },
  // Variables graphql-js refuses itself (no code of its own: the gateway gives 400's, BAD_REQUEST)
  { name: 'null for a non-null id', call: () => operation(PROJECT_READ, { id: null }), expected: { status: [400] } },
  { name: 'a missing variable', call: () => operation(PROJECT_READ, {}), expected: { status: [400] } },
  {
    name: 'an unknown role',
    call: () => operation(CREATE_WITH_ROLES, { r: ['GROUP_OWNER', 'ROOT'] }),
    expected: { status: [400] },
  },
  {
    name: 'a @oneOf selector with both keys',
    call: () => operation(UPDATE_WITH_SELECTOR, { s: { id: PAYMENTS, username: 'a@example.com' } }),
    expected: { status: [400] },
  },
  // A rule the schema cannot express: a mutation answers it as its typed error (docs/errors.md), so 200.
  {
    name: 'an empty role list',
    call: () =>
      operation(
        `mutation { result: createInvitation(projectId: "${PAYMENTS}", username: "a@example.com", roles: []) { __typename ... on Error { code message } } }`,
      ),
    expected: { status: [200], codes: ['BAD_USER_INPUT'] },
  },
  // Over the socket: Node's HTTP parsing in front of the same gateway
  {
    name: 'malformed JSON, over HTTP',
    call: () => post('{"query": '),
    transport: 'http',
    expected: { status: [400], codes: ['BAD_REQUEST'] },
  },
  {
    name: 'a 2 MB body, over HTTP',
    call: () => operation('{ __typename }', { padding: 'x'.repeat(2_000_000) }),
    transport: 'http',
    expected: { status: [413], codes: ['PAYLOAD_TOO_LARGE'] },
  },
  {
    name: 'a GET carrying a mutation, over HTTP',
    call: () => get(MUTATION),
    transport: 'http',
    expected: { status: [405] },
  },
];

function chunked(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`{"query":"{ __typename }","variables":{"x":"${'x'.repeat(64_000)}`);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

function multipart(): FormData {
  const form = new FormData();
  form.set('operations', BAD_ID_BODY);
  form.set('map', '{}');
  return form;
}

describe('bad requests', () => {
  let stack: Stack;
  const tally = new Tally();
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'warn' });
  });
  afterAll(async () => {
    console.log(tally.format('bad requests (hand-written)'));
    await stack?.close();
  });
  beforeEach(() => {
    stack.simulator.store.reset();
  });

  /** Cases after which the gateway no longer answered a known-good operation (asserted at the end). */
  const notServingAfter: string[] = [];
  async function recordServing(name: string, transport?: Transport): Promise<void> {
    try {
      await expectStillServing(stack, transport);
    } catch {
      notServingAfter.push(name);
    }
  }

  async function check(badRequest: BadRequest): Promise<Answer> {
    await badRequest.precondition?.(stack);
    const answer = await send(stack, badRequest.call(), badRequest.transport);
    tally.record(badRequest.name, answer);
    expectRefused(answer, { status: FOUR_XX, ...badRequest.expected });
    return answer;
  }

  it('reads the documented codes from the error table of docs/errors.md', () => {
    for (const code of [
      'BAD_USER_INPUT',
      'PROJECT_NOT_FOUND',
      'UPSTREAM_UNAVAILABLE',
      'GRAPHQL_PARSE_FAILED',
      'BAD_REQUEST',
      'PAYLOAD_TOO_LARGE',
    ]) {
      expect(DOCUMENTED_CODES).toContain(code);
    }
  });

  it.each(BAD_REQUESTS)('$name: a clear 4xx with a documented code, no upstream call', async (badRequest) => {
    try {
      await check(badRequest);
    } finally {
      await recordServing(badRequest.name, badRequest.transport);
    }
  });

  it.each([
    ['a syntax error', '{ project(id: '],
    ['an unknown field', '{ projekt(id: "x") { id } }'],
  ])(
    '%s under plain Accept: application/json: 200 with the error, as the spec keeps for a well-formed request',
    async (_name, query) => {
      const answer = await send(stack, raw(JSON.stringify({ query }), JSON_ONLY), 'http');
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(refusalFlaws(answer)).toEqual([]);
      expect(answer.upstreamRequests).toBe(0);
    },
  );

  it('keeps the JSON parser’s own words out of an unreadable body’s answer', async () => {
    for (const accept of ['application/json', ACCEPT]) {
      const answer = await send(stack, raw('{"query": ', { 'content-type': 'application/json', accept }), 'http');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }],
      });
    }
  });

  it('kept answering after every one of them, logged no unexpected error, and still reads through to Ops Manager', async () => {
    expect(notServingAfter).toEqual([]);
    expect(errorLogLines(stack)).toEqual([]);
    await expectUpstreamPathServing(stack);
    await expectUpstreamPathServing(stack, 'http');
  });
});
