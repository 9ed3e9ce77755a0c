import { type DefinitionNode, type FieldNode, getOperationAST, GraphQLError, type SelectionSetNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, refusalExtensions } from '../errors/index.ts';

/**
 * Refuses, before execution and so before any upstream call, an operation that names more
 * distinct projects than `max`. The projects an operation can reach are the arguments of
 * its root fields: `project(id)`, `projects(ids)`, each mutation's `projectId`, and the
 * Project representations of federation's `_entities` (everything nested under them is
 * the same projects). Arguments that do not coerce are left to execution to report.
 */
export function useProjectCap(max: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      const root = operation.operation === 'mutation' ? args.schema.getMutationType() : args.schema.getQueryType();
      if (!root) return;
      const projects = new Set<string>();
      const fragments = Object.fromEntries(
        args.document.definitions.flatMap((definition: DefinitionNode) =>
          definition.kind === 'FragmentDefinition' ? [[definition.name.value, definition]] : [],
        ),
      );
      const visit = (selectionSet: SelectionSetNode, depth: number) => {
        if (depth > 5) return;
        for (const selection of selectionSet.selections) {
          if (selection.kind === 'InlineFragment') visit(selection.selectionSet, depth + 1);
          else if (selection.kind === 'FragmentSpread') {
            const fragment = fragments[selection.name.value];
            if (fragment) visit(fragment.selectionSet, depth + 1);
          } else collect(root.getFields()[selection.name.value], selection, args.variableValues ?? {}, projects);
        }
      };
      visit(operation.selectionSet, 0);
      if (projects.size > max) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `This operation names ${projects.size} distinct projects; at most ${max} are allowed in one operation.`,
              {
                extensions: refusalExtensions(ErrorCode.BAD_USER_INPUT),
              },
            ),
          ],
        });
      }
    },
  };
}

function collect(
  field: Parameters<typeof getArgumentValues>[0] | undefined,
  node: FieldNode,
  variables: Record<string, unknown>,
  projects: Set<string>,
): void {
  if (!field) return;
  let values: Record<string, unknown>;
  try {
    values = getArgumentValues(field, node, variables);
  } catch {
    return;
  }
  const add = (id: unknown) => typeof id === 'string' && projects.add(id.toLowerCase());
  if (node.name.value === 'project') add(values.id);
  if (node.name.value === 'projects' && Array.isArray(values.ids)) values.ids.forEach(add);
  if ('projectId' in values) add(values.projectId);
  if (node.name.value === '_entities' && Array.isArray(values.representations)) {
    for (const representation of values.representations as Array<{ __typename?: unknown; id?: unknown }>) {
      if (representation?.__typename === 'Project') add(representation.id);
    }
  }
}
