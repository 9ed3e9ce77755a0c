import { type JITCache, useGraphQlJit } from '@envelop/graphql-jit';
import {
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type Source,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../observability/metrics.ts';

type CompiledEntry = NonNullable<ReturnType<JITCache['get']>>;

/**
 * Runs operations on graphql-jit's compiled executor, which costs less CPU than the standard one
 * (docs/benchmarks.md has the benchmark's A/B). A document is compiled on its
 * first run and kept while it is among the 1,000 most recently used, per gateway instance (the
 * plain API and the subgraph have different schemas).
 *
 * Two differences from graphql-js are closed here, so that responses stay the same byte for byte
 * (test/integration/compiled-execution.test.ts holds them to that):
 * - graphql-jit coerces variables its own way, without @oneOf and with other errors: it only runs
 *   operations whose variables graphql-js coerces cleanly, and anything else goes to the standard
 *   executor, which refuses it as before (400 BAD_USER_INPUT);
 * - its field errors carry line and column but not the document positions that Yoga serialises
 *   errors from (their `locations` would be dropped), and its results put `data` before `errors`.
 */
export function useCompiledExecution(options: { logger: Logger; metrics?: Metrics | undefined }): Plugin {
  const compiled = new LRUCache<string, CompiledEntry>({ max: 1_000 });
  const jit = useGraphQlJit(
    {},
    {
      enableIf: variablesCoerce,
      cache: {
        get: (document) => compiled.get(document),
        set(document, entry) {
          options.metrics?.compilations.inc();
          compiled.set(document, entry);
        },
      },
      // A valid document graphql-jit cannot compile fails with the compiler's errors: worth a log line.
      onError: (result) =>
        options.logger.error(
          { errors: result.errors?.map((error) => error.message) },
          'graphql-jit could not compile a document',
        ),
    },
  ) as Plugin;
  const standardErrors: Plugin = {
    onExecute: () => ({
      onExecuteDone({ args, result, setResult }) {
        if (!('stringify' in result)) return;
        setResult(standardResult(result as ExecutionResult, args.document.loc?.source));
      },
    }),
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(jit);
      addPlugin(standardErrors);
    },
  };
}

function variablesCoerce(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return false;
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.length === 0) return true;
  return getVariableValues(args.schema, definitions, args.variableValues ?? {}, { maxErrors: 1 }).errors === undefined;
}

/** A graphql-jit result as graphql-js builds it: errors located in the document, `errors` first. */
function standardResult(result: ExecutionResult, source: Source | undefined): ExecutionResult {
  const { errors, data, extensions } = result;
  const rest = extensions === undefined ? {} : { extensions };
  if (!errors?.length) return { data, ...rest };
  const located = errors.map((error) =>
    error.nodes !== undefined || error.locations === undefined || source === undefined
      ? error
      : new GraphQLError(error.message, {
          source,
          positions: error.locations.map(({ line, column }) => offsetOf(source.body, line, column)),
          path: error.path,
          originalError: error.originalError,
          extensions: error.extensions,
        }),
  );
  return { errors: located, data, ...rest };
}

/** The offset of a 1-based line and column in a document, lines ending as graphql-js ends them. */
function offsetOf(body: string, line: number, column: number): number {
  const lineEnds = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let current = 1; current < line; current += 1) {
    const end = lineEnds.exec(body);
    if (end === null) break;
    lineStart = end.index + end[0].length;
  }
  return lineStart + column - 1;
}
