import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../observability/metrics.ts';

/**
 * GraphQL phase metrics from @graphql-yoga/plugin-prometheus, on the gateway's registry.
 * Labels that could carry unbounded values are off: error paths (list indexes), field
 * and type names, URLs.
 */
export function usePrometheusMetrics(metrics: Metrics): Plugin {
  return usePrometheus({
    registry: metrics.registry,
    endpoint: '/metrics',
    // The plugin turns on every metric it knows unless told otherwise; list them all, so that
    // only these six cost anything. The deprecated-field counter alone walks each document with
    // a TypeInfo on every request, and the request-time summary keeps t-digests.
    metrics: {
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
      graphql_envelop_request_duration: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_error_result: true,
      graphql_yoga_http_duration: true,
    },
    labels: {
      operationName: false,
      operationType: true,
      fieldName: false,
      typeName: false,
      path: false,
      phase: true,
      url: false,
      method: true,
      statusCode: true,
    },
  }) as Plugin;
}
