import { builder } from './builder.ts';
import './scalars.ts';
import './errors.ts';
import './roles.ts';
import './project.ts';
import './invitation.ts';
import './invitation-mutations.ts';

/** The plain API (what `/graphql` serves). Pothos sorts it, so its printed form is stable. */
export const schema = builder.toSchema();

/**
 * The same API as an Apollo Federation v2 subgraph: adds `_service` and `_entities`, and links
 * the federation directives it uses. The version is pinned, so that a plugin upgrade cannot
 * change the SDL routers compose.
 */
export const subgraphSchema = builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' });
