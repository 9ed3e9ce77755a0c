import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * OpenTelemetry tracing, off unless configured: until a provider is registered, the API
 * hands out no-op spans, so the instrumentation below costs next to nothing.
 * A server span per GraphQL request (plugins/use-tracing.ts; named after the operation once
 * known) and, beneath it, a client span per Ops Manager call.
 */
export const tracer = trace.getTracer('ops-manager-invitations-gateway');

/** Registers a tracer provider exporting over OTLP/HTTP; returns its shutdown. */
export function startTracing(options: {
  endpoint?: string;
  serviceName: string;
  processor?: SpanProcessor;
}): () => Promise<void> {
  const processor =
    options.processor ??
    new BatchSpanProcessor({
      exporter: new OTLPTraceExporter(
        options.endpoint ? { url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` } : {},
      ),
    });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  };
}
