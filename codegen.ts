import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the example operations in operations/, generated from the checked-in
 * schema.graphql. Tests (and frontends) import them, so a schema change that breaks an
 * operation fails type-checking. `npm run codegen`; `npm run codegen:check` fails when stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/**/*.graphql'],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'src/sdk/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', ObjectID: 'string', EmailAddress: 'string' },
      },
    },
  },
};

export default config;
