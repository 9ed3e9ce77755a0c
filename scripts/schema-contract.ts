/**
 * The schema contract: what `npm run schema:diff` checks (scripts/schema-diff.ts runs it).
 *
 * `contracts/released/` holds schema.graphql and subgraph.graphql as last released. Every
 * breaking change between a released file and the current one (graphql-inspector's
 * CriticalityLevel.Breaking) must be recorded in CHANGELOG.md, in the `## Unreleased` section,
 * under `### Breaking changes`, as a list item naming the file and the change's coordinate in
 * backticks, e.g.
 *
 *     - `subgraph.graphql` `Query.project`: removed; the company's graph owns it.
 *
 * The coordinate is graphql-inspector's path of the change (`Type`, `Type.field`,
 * `Type.field.argument`, `EnumType.VALUE`, `@directive`), or `schema` for a change of the
 * schema definition itself. Releasing turns `## Unreleased` into a version heading and copies
 * both files into contracts/released/, after which nothing is left to record.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, type GraphQLSchema, parse } from 'graphql';

export const CONTRACT_FILES = ['schema.graphql', 'subgraph.graphql'] as const;
export type ContractFile = (typeof CONTRACT_FILES)[number];

/** One breaking change found, and whether CHANGELOG.md records it. */
export interface BreakingChange {
  file: ContractFile;
  coordinate: string;
  message: string;
  recorded: boolean;
}

export interface ContractReport {
  breaking: BreakingChange[];
  /** Dangerous (not breaking) changes, `file: message`: printed, never fatal. */
  dangerous: string[];
  /** How many changes were safe. */
  safe: number;
  /** Unreleased breaking-change entries that name no breaking change any more. */
  staleRecords: string[];
}

/**
 * A subgraph's SDL is built as a subgraph server would serve it (with `_entities`,
 * `_service`, the federation directives), so dropping `@key` shows as the breaking removal
 * of `_entities` it is; the plain API is plain SDL.
 */
function build(file: ContractFile, sdl: string): GraphQLSchema {
  return file === 'subgraph.graphql' ? buildSubgraphSchema(parse(sdl)) : buildSchema(sdl);
}

function coordinateOf(change: Change): string {
  return change.path ?? 'schema';
}

/** The list items of `## Unreleased` → `### Breaking changes`. */
export function unreleasedBreakingEntries(changelog: string): string[] {
  const unreleased = changelog.split(/^## /m).find((section) => /^Unreleased\b/.test(section)) ?? '';
  const breaking = unreleased.split(/^### /m).find((section) => /^Breaking changes\b/.test(section)) ?? '';
  return breaking
    .split('\n')
    .filter((line) => /^\s*[-*] /.test(line))
    .map((line) => line.trim());
}

/** Whether an entry names this file and this coordinate, each in backticks. */
function names(entry: string, file: ContractFile, coordinate: string): boolean {
  const quoted = new Set([...entry.matchAll(/`([^`]+)`/g)].map((match) => match[1]));
  return quoted.has(file) && quoted.has(coordinate);
}

export async function checkContract(
  files: ReadonlyArray<{ file: ContractFile; released: string; current: string }>,
  changelog: string,
): Promise<ContractReport> {
  const entries = unreleasedBreakingEntries(changelog);
  const report: ContractReport = { breaking: [], dangerous: [], safe: 0, staleRecords: [] };
  for (const { file, released, current } of files) {
    for (const change of await diff(build(file, released), build(file, current))) {
      if (change.criticality.level === CriticalityLevel.Breaking) {
        const coordinate = coordinateOf(change);
        report.breaking.push({
          file,
          coordinate,
          message: change.message,
          recorded: entries.some((entry) => names(entry, file, coordinate)),
        });
      } else if (change.criticality.level === CriticalityLevel.Dangerous) {
        report.dangerous.push(`${file}: ${change.message}`);
      } else {
        report.safe += 1;
      }
    }
  }
  report.staleRecords = entries.filter(
    (entry) => !report.breaking.some(({ file, coordinate }) => names(entry, file, coordinate)),
  );
  return report;
}
