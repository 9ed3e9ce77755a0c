import type { Plugin } from 'graphql-yoga';
import type { OperationDeadlines } from '../operation-deadline.ts';

/**
 * Ends the operation deadlines of a request with its response (operation-deadline.ts): onResponse
 * runs for every response, so no deadline timer outlives the operation it was for.
 */
export function useOperationDeadline(deadlines: Pick<OperationDeadlines, 'end'>): Plugin {
  return { onResponse: ({ request }) => deadlines.end(request) };
}
