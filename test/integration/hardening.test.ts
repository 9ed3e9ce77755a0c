import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { generatedProjectId } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from './stack.ts';

const [payments] = DEMO_PROJECT_IDS as [string];

/**
 * As a modern client posts (graphql-request, urql, Apollo Client 4): with the
 * GraphQL-over-HTTP media type, refused requests answer 4xx. (With plain application/json
 * the spec keeps 200 for well-formed requests, for older clients.)
 */
async function post(
  stack: Stack,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { accept: 'application/graphql-response+json', ...headers },
    body,
  });
  const text = await response.text();
  let json: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> } = {};
  try {
    json = JSON.parse(text);
  } catch {
    // some refusals have no body
  }
  return { status: response.status, json, text, headers: response.headers };
}

const query = (document: string) => JSON.stringify({ query: document });

describe('hardening (development defaults)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      security: { corsOrigins: ['https://app.example.com'], maxBodyBytes: 10_000, maxProjectsPerOperation: 20 },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.simulator.counters.reset());

  it('lets the documented 30-alias operation through', async () => {
    const fields = Array.from(
      { length: 30 },
      (_, i) => `a${i}: project(id: "${payments}") { invitations { id roles } }`,
    );
    const { status, json } = await post(stack, query(`{ ${fields.join(' ')} }`));
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
  });

  it.each([
    [
      'too deep',
      `{ project(id: "${payments}") { invitations { project { invitations { project { invitations { project { invitations { project { invitations { project { id } } } } } } } } } } }`,
    ],
    [
      'too many aliases',
      `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: project(id: "${payments}") { id }`).join(' ')} }`,
    ],
    ['too many tokens', `{ ${Array.from({ length: 800 }, () => '__typename').join(' ')} }`],
  ])('refuses a document %s before execution, without saying where the limit is', async (_name, document) => {
    const { status, json } = await post(stack, query(document));
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    const [error] = json.errors ?? [];
    expect(error?.extensions?.code).toMatch(/^(GRAPHQL_VALIDATION_FAILED|GRAPHQL_PARSE_FAILED|BAD_USER_INPUT)$/);
    expect(error?.message).not.toMatch(/\d{2,}/);
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('refuses an operation naming more distinct projects than allowed, before any upstream call', async () => {
    const fields = Array.from(
      { length: 21 },
      (_, i) => `p${i}: project(id: "${generatedProjectId(i)}") { invitations { id } }`,
    );
    const { json } = await post(stack, query(`{ ${fields.join(' ')} }`));
    expect(json.data ?? null).toBeNull();
    expect(json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(json.errors?.[0]?.message).toMatch(/21 distinct projects/);
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('counts projects across aliases, lists and variables, and repeats once', async () => {
    const ids = Array.from({ length: 15 }, (_, i) => generatedProjectId(i));
    const body = JSON.stringify({
      query:
        'query($ids: [ObjectID!]!, $one: ObjectID!) { a: projects(ids: $ids) { id } b: project(id: $one) { id } c: projects(ids: $ids) { id } }',
      variables: { ids, one: generatedProjectId(16) },
    });
    expect((await post(stack, body)).json.errors).toBeUndefined();
    const tooMany = JSON.stringify({
      query: 'query($ids: [ObjectID!]!) { a: projects(ids: $ids) { id } }',
      variables: { ids: Array.from({ length: 21 }, (_, i) => generatedProjectId(i)) },
    });
    expect((await post(stack, tooMany)).json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const { status, json } = await post(stack, query(`{ __typename } # ${'x'.repeat(20_000)}`));
    expect(status).toBe(413);
    expect(json.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body over the limit too', async () => {
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 30; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(1_000)));
        controller.close();
      },
    });
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('refuses a Content-Length that is not one non-negative integer (Node refuses them on a socket; this is the same rule in process)', async () => {
    for (const declared of ['-1', '1e3', '12, 12', ' 12', 'abc']) {
      const response = await stack.gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': declared },
        body: query('{ __typename }'),
      });
      expect(response.status, declared).toBe(400);
      expect(
        ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
      ).toBe('BAD_REQUEST');
    }
    expect(stack.simulator.counters.snapshot().requests).toBe(0);
  });

  it('stops cross-site request forgery: a simple GET or form POST without the CSRF header is refused', async () => {
    const get = await fetch(`${stack.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json' },
    });
    expect(get.status).toBe(403);
    expect(((await get.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe(
      'FORBIDDEN',
    );
    const form = await post(stack, 'query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(403);
    const withHeader = await fetch(`${stack.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(withHeader.status).toBe(200);
  });

  it('never runs a mutation sent with GET', async () => {
    const target = stack.simulator.store.listInvitations(payments)[0]!;
    const mutation = `mutation { deleteInvitation(projectId: "${payments}", invitationId: "${target.id}") { __typename } }`;
    const response = await fetch(`${stack.url}?query=${encodeURIComponent(mutation)}`, {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(response.status).toBe(405);
    expect(stack.simulator.store.getInvitation(target.id)).toBeDefined();
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(stack.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
  });

  it('lets a browser app send the typed client’s Idempotency-Key and read the replay and request id headers', async () => {
    const preflight = await fetch(stack.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,idempotency-key',
      },
    });
    expect(
      preflight.headers
        .get('access-control-allow-headers')
        ?.toLowerCase()
        .split(',')
        .map((name) => name.trim()),
    ).toContain('idempotency-key');
    const answer = await fetch(stack.url, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const exposed = answer.headers
      .get('access-control-expose-headers')
      ?.toLowerCase()
      .split(',')
      .map((name) => name.trim());
    expect(exposed).toEqual(expect.arrayContaining(['idempotent-replayed', 'x-request-id']));
  });

  it('masks unexpected errors: no stack, no internals', async () => {
    const { text } = await post(
      stack,
      query('{ project(id: "5e8f8268d896f55ac04969a1") { invitations { createdAt } } }'),
    );
    expect(text).not.toMatch(/at .*\.ts:\d+|stack/);
  });
});

describe('hardening in production', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ security: { production: true, introspection: false, graphiql: false } });
  });
  afterAll(() => stack.close());

  it('hides field suggestions', async () => {
    const { json } = await post(stack, query('{ projekt(id: "5e8f8268d896f55ac04969a1") { id } }'));
    expect(json.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('answers no introspection', async () => {
    const { json } = await post(stack, query('{ __schema { types { name } } }'));
    expect(json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(json)).not.toContain('InvitationSelector');
  });

  it('serves no GraphiQL page', async () => {
    const response = await fetch(stack.url, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toMatch(/<html/i);
  });
});
