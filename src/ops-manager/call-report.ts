import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { GatewayError } from '../errors/index.ts';
import type { Logger } from '../logger.ts';
import { tracer } from '../observability/tracing.ts';
import { type CallRecord, elapsed } from './pipeline.ts';

/** Hooks for metrics; each is optional and must not throw. */
export interface UpstreamObserver {
  /** A logical call is over: its record says what it cost (attempts, retries, round trips, challenges). */
  call?(record: Readonly<CallRecord>): void;
  /** A loader asked for this many projects at once. */
  batch?(size: number): void;
  /** A 429 with Retry-After paused calls to a project ('started'), or a call was refused during one ('refused'). */
  pause?(event: 'started' | 'refused'): void;
}

export interface CallReporter {
  logger: Logger;
  observer: UpstreamObserver;
  /** Ops Manager's host, for the span. */
  host: string;
}

/**
 * The one place that reads what a call cost, once it is over: one log line (method, route
 * template, status, duration, retries, round trips), one OpenTelemetry client span under the
 * operation's span, and the metrics observer. The stages only write the record.
 */
export function reportCall(reporter: CallReporter, record: CallRecord, failure: GatewayError | undefined): void {
  const line = {
    requestId: record.requestId,
    method: record.method,
    route: record.route,
    status: record.status,
    durationMs: elapsed(record.startedAt),
    retries: record.retries.length,
    roundTrips: record.roundTrips,
    ...(record.retries.length > 0
      ? {
          retriedOn: record.retries.map((retry) => retry.code),
          backoffMs: record.retries.map((retry) => retry.delayMs),
        }
      : {}),
  };
  if (failure === undefined) reporter.logger.info(line, 'upstream call');
  else
    reporter.logger.warn(
      { ...line, code: failure.code, upstreamErrorCode: failure.upstreamErrorCode },
      'upstream call failed',
    );

  // Started where the call started, ended now: the active context is still the operation's.
  const span = tracer.startSpan(`Ops Manager ${record.method} ${record.route}`, {
    kind: SpanKind.CLIENT,
    startTime: performance.timeOrigin + record.startedAt,
    attributes: {
      'http.request.method': record.method,
      'url.template': record.route,
      'server.address': reporter.host,
      'gateway.retries': record.retries.length,
      'gateway.round_trips': record.roundTrips,
    },
  });
  if (record.status !== undefined) span.setAttribute('http.response.status_code', record.status);
  if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure.code });
  span.end();

  reporter.observer.call?.(record);
}
