import { randomUUID } from 'node:crypto';
import { getOperationAST } from 'graphql';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { RequestErrorCode } from '../errors/index.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../observability/metrics.ts';

/** What one HTTP request to the GraphQL endpoint did, gathered across Yoga's hooks. */
interface OperationRecord {
  requestId: string;
  started: number;
  graphql: boolean;
  operationName: string | undefined;
  operationType: string | undefined;
  codes: string[];
  hasData: boolean;
}

const records = new WeakMap<Request, OperationRecord>();

/**
 * Operation names are chosen by clients, so as a metric label they are bounded: the first
 * MAX_NAMES distinct names are kept, later ones count as 'other'.
 */
const MAX_NAMES = 200;
function boundedName(seen: Set<string>, name: string | undefined): string {
  if (!name) return 'anonymous';
  if (seen.has(name)) return name;
  if (seen.size >= MAX_NAMES) return 'other';
  seen.add(name);
  return name;
}

// A caller's id is kept when it is short and plain; anything else is replaced, so a
// header cannot inject text into the logs.
const ACCEPTABLE_ID = /^[\w.:@/-]{1,128}$/;

/** The request id of a request (from `x-request-id`, or generated), for the context. */
export function requestIdOf(request: Request): string {
  return records.get(request)?.requestId ?? 'none';
}

/**
 * One log line per GraphQL operation (name, type, duration, HTTP status, outcome, error
 * codes, request id) and the operation metrics. The request id comes from `x-request-id`
 * or is generated, and is sent back in the same header.
 *
 * Outcome: `ok` (data, no errors), `partial` (data and errors), `error` (errors, no data),
 * `rejected` (refused before execution: bad document or variables).
 */
export function useOperationObservability(options: { logger: Logger; metrics?: Metrics | undefined }): Plugin {
  const { logger, metrics } = options;
  const names = new Set<string>();
  return {
    onRequest({ request }) {
      const given = request.headers.get('x-request-id');
      records.set(request, {
        requestId: given && ACCEPTABLE_ID.test(given) ? given : randomUUID(),
        started: performance.now(),
        graphql: false,
        operationName: undefined,
        operationType: undefined,
        codes: [],
        hasData: false,
      });
    },
    onParams({ params, request }) {
      const record = records.get(request);
      if (!record) return;
      record.graphql = true;
      record.operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
    },
    onExecute({ args }) {
      const record = records.get((args.contextValue as { request: Request }).request);
      const operation = getOperationAST(args.document, args.operationName);
      if (record && operation) {
        record.operationType = operation.operation;
        record.operationName = operation.name?.value ?? record.operationName;
      }
    },
    onExecutionResult({ result, request }) {
      const record = records.get(request);
      if (!record || Array.isArray(result) || !result || !('errors' in result || 'data' in result)) return;
      const { data, errors } = result as {
        data?: unknown;
        errors?: ReadonlyArray<{ extensions?: { code?: unknown } }>;
      };
      record.hasData = data !== undefined && data !== null;
      for (const error of errors ?? [])
        record.codes.push(String(error.extensions?.code ?? RequestErrorCode.INTERNAL_SERVER_ERROR));
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      response.headers.set('x-request-id', record.requestId);
      if (!record.graphql) return;
      const durationMs = Math.round((performance.now() - record.started) * 10) / 10;
      const outcome = !record.operationType
        ? 'rejected'
        : record.codes.length === 0
          ? 'ok'
          : record.hasData
            ? 'partial'
            : 'error';
      const operationType = record.operationType ?? 'unknown';
      logger.info(
        {
          requestId: record.requestId,
          operationName: record.operationName ?? null,
          operationType,
          status: response.status,
          outcome,
          codes: record.codes.length ? [...new Set(record.codes)] : undefined,
          durationMs,
        },
        'graphql operation',
      );
      const span = trace.getActiveSpan();
      if (span) {
        span.updateName(`graphql ${operationType} ${record.operationName ?? 'anonymous'}`);
        span.setAttributes({
          'graphql.operation.type': operationType,
          'graphql.operation.name': record.operationName ?? '',
          'gateway.outcome': outcome,
          'gateway.request_id': record.requestId,
          'http.response.status_code': response.status,
        });
        if (outcome === 'error' || outcome === 'rejected')
          span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(record.codes)].join(',') });
      }
      if (metrics) {
        metrics.operations.inc({
          operation_type: operationType,
          operation_name: boundedName(names, record.operationName),
          outcome,
        });
        metrics.operationDuration.observe({ operation_type: operationType, outcome }, durationMs / 1000);
        for (const code of record.codes) metrics.operationErrors.inc({ code });
      }
    },
  };
}
