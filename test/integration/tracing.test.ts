import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from '../../src/observability/tracing.ts';
import { ProjectsInvitationsDocument } from 'ops-manager-invitations-client/documents';
import { DEMO_PROJECT_IDS } from '../../src/simulator/demo-data.ts';
import { type Stack, startStack } from './stack.ts';

describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  let stopTracing: () => Promise<void>;
  let stack: Stack;
  beforeAll(async () => {
    stopTracing = startTracing({ serviceName: 'test', processor: new SimpleSpanProcessor({ exporter }) });
    stack = await startStack({ tracing: true });
  });
  afterAll(async () => {
    await stack.close();
    await stopTracing();
  });

  it('makes a server span per operation with a client span per upstream call beneath it', async () => {
    exporter.reset();
    const [first, second] = DEMO_PROJECT_IDS as [string, string];
    await stack.request(ProjectsInvitationsDocument, { projectIds: [first, second, first] });
    const spans = exporter.getFinishedSpans();
    const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => span.name)).toEqual(['graphql query ProjectsInvitations']);
    const [server] = servers;
    expect(server!.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'gateway.outcome': 'ok',
      'http.response.status_code': 200,
    });

    const clients = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.name).toBe('Ops Manager GET /groups/{GROUP-ID}/invites');
      expect(client.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
      expect(client.spanContext().traceId).toBe(server!.spanContext().traceId);
      expect(client.attributes).toMatchObject({ 'http.response.status_code': 200, 'gateway.retries': 0 });
    }
  });

  it('marks a failed upstream call and a failed operation as errors', async () => {
    exporter.reset();
    stack.simulator.faults.inject(
      { kind: 'status', status: 404, body: { error: 404, errorCode: 'GROUP_NOT_FOUND' } },
      { times: 1 },
    );
    await stack.execute('query Missing { project(id: "ffffffffffffffffffffffff") { invitations { id } } }');
    const spans = exporter.getFinishedSpans();
    const client = spans.find((span) => span.kind === SpanKind.CLIENT)!;
    expect(client.status).toMatchObject({ code: 2, message: 'PROJECT_NOT_FOUND' });
    expect(spans.find((span) => span.kind === SpanKind.SERVER)!.attributes['gateway.outcome']).toBe('partial');
  });
});
