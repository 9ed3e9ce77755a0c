import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { mayAccessProject } from '../auth/caller.ts';
import { recordRefusedChange } from '../changes/attempts.ts';
import type { GatewayContext } from '../context.ts';
import { forbiddenFor } from './auth.ts';

export interface SchemaTypes {
  Context: GatewayContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ObjectID: { Input: string; Output: string };
    EmailAddress: { Input: string; Output: string };
  };
  /** What a caller may do: read, write, and touch a given project. */
  AuthScopes: { read: boolean; write: boolean; project: string };
  DefaultFieldNullability: false;
}

/** Only configures the builder; each domain type lives in its own file with its entry points. */
export const builder = new SchemaBuilder<SchemaTypes>({
  // The errors plugin comes before scope-auth so that a refused mutation becomes its typed
  // ForbiddenError member instead of nulling the whole response; the federation plugin writes
  // @key through the directives plugin, so that one comes before it.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, DirectivePlugin, FederationPlugin],
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
  scopeAuth: {
    authScopes: ({ caller }) => ({
      read: caller.canRead,
      write: caller.canWrite,
      project: (projectId) => mayAccessProject(caller, projectId),
    }),
    unauthorizedError: (_parent, context, info, result) => {
      const error = forbiddenFor(result.failure, context.caller);
      // A refused mutation is still a mutation attempt: the audit trail shows it.
      if (info.parentType.name === 'Mutation') recordRefusedChange(context.changes, info, error);
      return error;
    },
  },
});

builder.queryType({ description: 'Read pending project invitations of Ops Manager / Cloud Manager.' });
builder.mutationType({
  description:
    'Change project invitations. Expected failures are members of each result union (switch on `__typename`); ' +
    'only unexpected failures appear in `errors`.',
});
