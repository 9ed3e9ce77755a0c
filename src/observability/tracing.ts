import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Plugin } from 'graphql-yoga';

/**
 * OpenTelemetry tracing, off unless configured: until a provider is registered, the API
 * hands out no-op spans, so the instrumentation below costs next to nothing.
 * A server span per GraphQL request (named after the operation once known) and, beneath
 * it, a client span per Ops Manager call.
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

/** Wraps each HTTP request in a server span; the operation plugin names and labels it. */
export function useTracing(): Plugin {
  return {
    instrumentation: {
      request: ({ request }, wrapped) =>
        tracer.startActiveSpan(
          'graphql request',
          {
            kind: SpanKind.SERVER,
            attributes: { 'http.request.method': request.method, 'url.path': new URL(request.url).pathname },
          },
          async (span) => {
            try {
              await wrapped();
            } catch (error) {
              span.recordException(error as Error);
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw error;
            } finally {
              span.end();
            }
          },
        ),
    },
  };
}
