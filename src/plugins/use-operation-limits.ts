import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RequestErrorCode } from '../errors/index.ts';

const TOO_COMPLEX = 'This operation is too large or too complex for this API.';

/**
 * Limits on what one document may ask (graphql-armor), sized so that every documented
 * operation passes with room to spare: the 30-alias batching example, the deepest
 * mutation-then-read example, GraphiQL's introspection. Limit values are never echoed in
 * errors, and field suggestions ("did you mean ...") are hidden when `hideSuggestions` (production).
 */
export function useOperationLimits(options: { hideSuggestions: boolean }): Plugin {
  // Validation-rule protections report a validation error (400 with a code) instead of
  // throwing from inside validation, which would surface as an uncoded error.
  const report = {
    exposeLimits: false,
    errorMessage: TOO_COMPLEX,
    propagateOnRejection: false,
    onReject: [reportRejection],
  };
  return EnvelopArmorPlugin({
    maxDepth: { n: 10, ignoreIntrospection: true, ...report },
    maxAliases: { n: 50, ...report },
    maxTokens: { n: 3_000, exposeLimits: false, errorMessage: TOO_COMPLEX },
    maxDirectives: { n: 20, ...report },
    costLimit: { maxCost: 5_000, ignoreIntrospection: true, ...report },
    blockFieldSuggestion: { enabled: options.hideSuggestions },
  }) as unknown as Plugin;
}

function reportRejection(context: ValidationContext | null): void {
  context?.reportError(
    new GraphQLError(TOO_COMPLEX, { extensions: { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED } }),
  );
}
