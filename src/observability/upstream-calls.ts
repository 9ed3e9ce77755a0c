import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from '../logger.ts';
import type { UpstreamObserver } from '../ops-manager/client.ts';
import { tracer } from './tracing.ts';

/**
 * Reports each finished Ops Manager call once (the client tells its observer): one log line (info; warn with the
 * error's code when it failed), one client span under the operation's, started when the call started, then `metrics`.
 * `host`: the span's server.address.
 */
export function reportUpstreamCalls(logger: Logger, host: string, metrics: UpstreamObserver = {}): UpstreamObserver {
  return {
    call(report) {
      const { method, route, retries, roundTrips, status, durationMs, failure } = report;
      if (logger.isLevelEnabled(failure ? 'warn' : 'info')) {
        const line = {
          requestId: report.requestId,
          method,
          route,
          status,
          durationMs,
          retries: retries.length,
          roundTrips,
        };
        const retried =
          retries.length === 0
            ? {}
            : { retriedOn: retries.map((r) => r.code), backoffMs: retries.map((r) => r.delayMs) };
        if (failure === undefined) logger.info({ ...line, ...retried }, 'upstream call');
        else logger.warn({ ...line, ...retried, ...failure }, 'upstream call failed');
      }
      const span = tracer.startSpan(`Ops Manager ${method} ${route}`, {
        kind: SpanKind.CLIENT,
        startTime: performance.timeOrigin + report.startedAt,
        attributes: {
          'http.request.method': method,
          'url.template': route,
          'server.address': host,
          'gateway.retries': retries.length,
          'gateway.round_trips': roundTrips,
        },
      });
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
      span.end();
      metrics.call?.(report);
    },
    batch: (size) => metrics.batch?.(size),
    pause: (event) => metrics.pause?.(event),
  };
}
