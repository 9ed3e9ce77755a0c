/**
 * The typed documents of operations/ (TypedDocumentNode), for any GraphQL client: Apollo
 * Client's `useQuery(ProjectInvitationsDocument, …)`, urql's `useQuery({ query: … })`,
 * graphql-request. Each carries its trusted document id in `__meta__.hash` (`sha256:<hex>`),
 * the key of persisted-documents.json. Also: the operations' result and variable types, the
 * schema's enums, and the scalar mapping.
 */
export * from './generated/graphql.js';
export { scalars } from './scalars.js';
