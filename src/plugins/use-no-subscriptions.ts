import { GraphQLError, type OperationDefinitionNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RequestErrorCode } from '../errors/index.ts';

/**
 * The schema has no subscriptions; graphql-js would accept a subscription document in
 * validation and fail it during execution with an uncoded error. Refuse it in validation.
 */
export function useNoSubscriptions(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule((context: ValidationContext) => ({
        OperationDefinition(node: OperationDefinitionNode) {
          if (node.operation === 'subscription') {
            context.reportError(
              new GraphQLError('This API has no subscriptions.', {
                nodes: [node],
                extensions: { code: RequestErrorCode.GRAPHQL_VALIDATION_FAILED },
              }),
            );
          }
        },
      }));
    },
  };
}
