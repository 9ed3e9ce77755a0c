import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import type { GatewayContext } from '../context.ts';

export interface SchemaTypes {
  Context: GatewayContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ObjectID: { Input: string; Output: string };
    EmailAddress: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}

/** Only configures the builder; each domain type lives in its own file with its entry points. */
export const builder = new SchemaBuilder<SchemaTypes>({
  // The federation plugin writes @key through the directives plugin, so that one comes first.
  plugins: [DirectivePlugin, FederationPlugin, ErrorsPlugin],
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
});

builder.queryType({ description: 'Read pending project invitations of Ops Manager / Cloud Manager.' });
builder.mutationType({
  description:
    'Change project invitations. Expected failures are members of each result union (switch on `__typename`); ' +
    'only unexpected failures appear in `errors`.',
});
