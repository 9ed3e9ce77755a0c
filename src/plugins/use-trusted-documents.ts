import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { RequestErrorCode, refusalExtensions } from '../errors/index.ts';
import { documentIdOf, type TrustedDocuments, type TrustedDocumentsMode } from '../security/trusted-documents.ts';

/**
 * Looks up a document named by its id (security/trusted-documents.ts says which forms and what
 * each TRUSTED_DOCUMENTS mode accepts); with `require`, refuses any other before it is parsed.
 */
export function useTrustedDocuments(mode: TrustedDocumentsMode, documents: TrustedDocuments): Plugin {
  if (mode === 'off') return {};
  const required = {
    message:
      'This gateway runs trusted documents only: send the operation’s documentId (see persisted-documents.json of ops-manager-invitations-client), not its text.',
    extensions: refusalExtensions(RequestErrorCode.TRUSTED_DOCUMENT_REQUIRED),
  };
  return usePersistedOperations({
    allowArbitraryOperations: mode === 'allow',
    extractPersistedOperationId: (params, request) => documentIdOf(params, request),
    getPersistedOperation: (id) => (Object.hasOwn(documents, id) ? documents[id]! : null),
    customErrors: {
      notFound: {
        message:
          'No trusted document has this id: this gateway knows the operations of its client package’s version only.',
        extensions: refusalExtensions(RequestErrorCode.PERSISTED_QUERY_NOT_FOUND),
      },
      persistedQueryOnly: required,
      keyNotFound:
        mode === 'require'
          ? required
          : {
              message: 'The request names no document: send `query`, or a `documentId`.',
              extensions: refusalExtensions(RequestErrorCode.BAD_REQUEST),
            },
    },
  }) as Plugin;
}
