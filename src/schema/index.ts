import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './roles.ts';
import './project.ts';
import './invitation.ts';
import './invitation-mutations.ts';

/** The executable schema, sorted so that its printed form is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());
