import { fileURLToPath } from 'node:url';
import { printSubgraphSchema } from '@apollo/subgraph';
import { printSchema } from 'graphql';
import { schema, subgraphSchema } from './index.ts';

/** The checked-in SDL of the plain API, at the top of the repository. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

/** The checked-in subgraph SDL (with `@link` and `@key`), beside it: what a router composes. */
export const SUBGRAPH_FILE = fileURLToPath(new URL('../../subgraph.graphql', import.meta.url));

export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}

/**
 * Printed as `_service { sdl }` returns (Apollo's printer keeps the federation directives that
 * graphql's `printSchema` drops), so the file is exactly what a router would fetch.
 */
export function printedSubgraphSchema(): string {
  return `${printSubgraphSchema(subgraphSchema)}\n`;
}

/** Every checked-in schema file and the text the code builds for it. */
export const SCHEMA_FILES: ReadonlyArray<{ file: string; print: () => string }> = [
  { file: SCHEMA_FILE, print: printedSchema },
  { file: SUBGRAPH_FILE, print: printedSubgraphSchema },
];
