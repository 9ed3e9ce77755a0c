import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProjectInvitationsDocument, ProjectsInvitationsDocument } from 'ops-manager-invitations-client/documents';
import { DEMO_API_KEY, DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from './stack.ts';

const [payments, analytics] = DEMO_PROJECT_IDS as [string, string];

async function scrape(stack: Stack): Promise<string> {
  const response = await fetch(stack.url.replace('/graphql', '/metrics'));
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series in Prometheus text format, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function logged(stack: Stack, msg: string): Array<Record<string, unknown>> {
  return stack.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === msg);
}

describe('observability', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ logLevel: 'info' });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.logLines.length = 0;
  });

  it('moves the operation, upstream, loader and Digest metrics as traffic flows', async () => {
    const before = await scrape(stack);
    await stack.request(ProjectsInvitationsDocument, { projectIds: [payments, analytics] });
    await stack.execute('query Broken { project(id: "nope") { id } }');
    const after = await scrape(stack);

    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(
      delta('gateway_operations_total{operation_type="query",operation_name="ProjectsInvitations",outcome="ok"}'),
    ).toBe(1);
    expect(delta('gateway_operations_total{operation_type="unknown",operation_name="Broken",outcome="rejected"}')).toBe(
      1,
    );
    expect(delta('upstream_requests_total{method="GET",route="/groups/{GROUP-ID}/invites",status="200"}')).toBe(2);
    expect(delta('upstream_request_duration_seconds_count{method="GET",route="/groups/{GROUP-ID}/invites"}')).toBe(2);
    expect(delta('gateway_loader_batch_size_count')).toBe(1);
    expect(delta('gateway_loader_batch_size_sum')).toBe(2);
    expect(sample(after, 'upstream_digest_challenges_total')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'upstream_circuit_open')).toBe(0);
    expect(after).toMatch(/^graphql_envelop_phase_execute_count\{operationType="query"\} \d+/m);
  });

  it('counts retries by the code that caused them', async () => {
    const before = await scrape(stack);
    stack.simulator.faults.inject({ kind: 'status', status: 503 });
    await stack.request(ProjectInvitationsDocument, { projectId: payments });
    const after = await scrape(stack);
    const series =
      'upstream_retries_total{method="GET",route="/groups/{GROUP-ID}/invites",code="UPSTREAM_UNAVAILABLE"}';
    expect(sample(after, series) - sample(before, series)).toBe(1);
    expect(
      sample(after, 'upstream_requests_total{method="GET",route="/groups/{GROUP-ID}/invites",status="503"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('puts no id, email or secret in any metric label', async () => {
    await stack.request(ProjectInvitationsDocument, { projectId: payments, username: 'jane.smith@example.com' });
    await stack.execute(`query { project(id: "ffffffffffffffffffffffff") { invitations { id } } }`);
    const text = await scrape(stack);
    const labels = text
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .map((line) => line.slice(0, line.lastIndexOf(' ')));
    for (const line of labels) {
      expect(line).not.toMatch(/[a-f0-9]{24}/);
      expect(line).not.toContain('@');
      expect(line).not.toContain(DEMO_API_KEY.privateKey);
    }
  });

  it('logs one line per operation with its request id, taken from x-request-id and sent back', async () => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42.a' },
      body: JSON.stringify({
        query: `query One { project(id: "${payments}") { invitations { id } } }`,
        operationName: 'One',
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-42.a');
    const [operation] = logged(stack, 'graphql operation');
    expect(operation).toMatchObject({
      requestId: 'trace-42.a',
      operationName: 'One',
      operationType: 'query',
      status: 200,
      outcome: 'ok',
    });
    expect(typeof operation!.durationMs).toBe('number');
    const calls = logged(stack, 'upstream call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      requestId: 'trace-42.a',
      method: 'GET',
      route: '/groups/{GROUP-ID}/invites',
      status: 200,
      retries: 0,
    });
    expect(calls[0]!.roundTrips).toBeGreaterThanOrEqual(1);
  });

  it('generates a request id when none is given, and replaces one that could forge log lines', async () => {
    const plain = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'x" injected="1' },
      body: '{"query":"{ __typename }"}',
    });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts Digest round trips per upstream call: a retried call costs more', async () => {
    stack.simulator.faults.inject({ kind: 'status', status: 503 });
    await stack.request(ProjectInvitationsDocument, { projectId: analytics });
    const [call] = logged(stack, 'upstream call');
    expect(call).toMatchObject({ retries: 1, status: 200 });
    expect(call!.roundTrips).toBeGreaterThanOrEqual(2);
  });
});
