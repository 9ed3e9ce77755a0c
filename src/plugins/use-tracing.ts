import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { tracer } from '../observability/tracing.ts';

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
