/**
 * Trusted documents (persisted documents): the operations of operations/, built into the client
 * package with their sha256 ids, are known to the gateway by id. A request may name one
 * instead of sending its text, in either form clients use:
 * - `{"documentId": "sha256:<hex>"}`, the GraphQL-over-HTTP persisted documents form (POST
 *   body or GET parameter; what ops-manager-invitations-client sends with `sendDocumentIds`);
 * - `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}`, Apollo Client's
 *   persisted-queries link (the same hash without its prefix).
 *
 * TRUSTED_DOCUMENTS says what else is accepted: `off` (no ids; any document), `allow` (ids
 * and any document: GraphiQL, scripts), `require` (ids only: any other document is refused
 * with 403 TRUSTED_DOCUMENT_REQUIRED before it is parsed). An unknown id is refused with 400
 * PERSISTED_QUERY_NOT_FOUND, the code Apollo's link responds to by sending the document's text.
 * The codes are request-level (like GRAPHQL_PARSE_FAILED), so they are not in the schema's
 * ErrorCode enum.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GraphQLParams } from 'graphql-yoga';

export type TrustedDocumentsMode = 'off' | 'allow' | 'require';

/** Document id (`sha256:<hex>`) → the document's text. */
export type TrustedDocuments = Readonly<Record<string, string>>;

const SHA256_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * The manifest the client package ships (packages/client/persisted-documents.json, written by
 * codegen, copied there by the package's build). Read once, when the gateway is created.
 */
export function loadTrustedDocuments(): TrustedDocuments {
  let path: string;
  let manifest: unknown;
  try {
    path = createRequire(import.meta.url).resolve('ops-manager-invitations-client/persisted-documents.json');
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      'The trusted documents manifest of ops-manager-invitations-client is missing: build the client (npm run build:client), or set TRUSTED_DOCUMENTS=off',
      { cause: error },
    );
  }
  if (typeof manifest !== 'object' || manifest === null) throw new Error(`${path}: not a persisted-documents manifest`);
  for (const [id, document] of Object.entries(manifest)) {
    if (!SHA256_ID.test(id) || typeof document !== 'string')
      throw new Error(`${path}: entry ${id} is not "sha256:<hex>": "<document>"`);
  }
  return manifest as TrustedDocuments;
}

/** The id a request names, as `sha256:<hex>`, in either form; null when it names none. */
export function documentIdOf(params: GraphQLParams & { documentId?: unknown }, request: Request): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  // Yoga's GET parser keeps only the four standard parameters.
  if (request.method === 'GET') {
    const documentId = new URL(request.url).searchParams.get('documentId');
    if (documentId) return documentId;
  }
  const persistedQuery = (
    params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined
  )?.persistedQuery;
  if (persistedQuery?.version === 1 && typeof persistedQuery.sha256Hash === 'string')
    return `sha256:${persistedQuery.sha256Hash}`;
  return null;
}
