import type { CodegenConfig } from '@graphql-codegen/cli';
import { scalars } from './packages/client/src/scalars.ts';

/**
 * The client package's generated files, all from the checked-in schema.graphql (the gateway's)
 * and the operations of operations/:
 * - packages/client/src/generated/: typed documents (client preset), each with its sha256
 *   document id, and persisted-documents.json, the trusted-documents manifest (id → document);
 * - packages/client/src/generated/possible-types.ts: Apollo Client's `possibleTypes`;
 * - packages/client/schema.graphql: the schema, shipped for apps that run their own codegen.
 * Tests (and frontends) import them, so a schema change that breaks an operation fails
 * type-checking. `npm run codegen`; `npm run codegen:check` fails when any file is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/**/*.graphql'],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'packages/client/src/generated/': {
      preset: 'client',
      // 'sha256' ids come out as `sha256:<hex>`, the GraphQL-over-HTTP persisted documents form.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        // An optional variable may be given as undefined, under the app's exactOptionalPropertyTypes too.
        inputMaybeValue: 'T | null | undefined',
        scalars,
      },
    },
    'packages/client/src/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { module: 'es2015', apolloClientVersion: 3, useExplicitTyping: true },
    },
    'packages/client/schema.graphql': {
      plugins: ['schema-ast'],
      config: { includeDirectives: false, commentDescriptions: false },
    },
  },
};

export default config;
