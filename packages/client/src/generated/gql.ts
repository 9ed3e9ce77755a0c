/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment InvitationFields on Invitation {\n  id\n  username\n  inviterUsername\n  projectName\n  roles\n  roleNames\n  createdAt\n  expiresAt\n  expired\n  project {\n    id\n  }\n}\n\nquery ProjectInvitations($projectId: ObjectID!, $username: EmailAddress) {\n  project(id: $projectId) {\n    id\n    invitations(username: $username) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  project(id: $projectId) {\n    id\n    invitation(id: $invitationId) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectsInvitations($projectIds: [ObjectID!]!) {\n  projects(ids: $projectIds) {\n    id\n    invitations {\n      ...InvitationFields\n    }\n  }\n}": typeof types.InvitationFieldsFragmentDoc,
    "fragment MutationError on Error {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    field\n  }\n  ... on UpstreamError {\n    retryAfterSeconds\n  }\n}\n\nmutation UpdateInvitationRoles($projectId: ObjectID!, $invitation: InvitationSelector!, $roles: [ProjectRole!]!) {\n  updateInvitationRoles(\n    projectId: $projectId\n    invitation: $invitation\n    roles: $roles\n  ) {\n    __typename\n    ... on InvitationRolesUpdated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation CreateInvitation($projectId: ObjectID!, $username: EmailAddress!, $roles: [ProjectRole!]!) {\n  createInvitation(projectId: $projectId, username: $username, roles: $roles) {\n    __typename\n    ... on InvitationCreated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation DeleteInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  deleteInvitation(projectId: $projectId, invitationId: $invitationId) {\n    __typename\n    ... on InvitationDeleted {\n      invitationId\n      project {\n        id\n        invitations {\n          id\n        }\n      }\n    }\n    ...MutationError\n  }\n}": typeof types.MutationErrorFragmentDoc,
};
const documents: Documents = {
    "fragment InvitationFields on Invitation {\n  id\n  username\n  inviterUsername\n  projectName\n  roles\n  roleNames\n  createdAt\n  expiresAt\n  expired\n  project {\n    id\n  }\n}\n\nquery ProjectInvitations($projectId: ObjectID!, $username: EmailAddress) {\n  project(id: $projectId) {\n    id\n    invitations(username: $username) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  project(id: $projectId) {\n    id\n    invitation(id: $invitationId) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectsInvitations($projectIds: [ObjectID!]!) {\n  projects(ids: $projectIds) {\n    id\n    invitations {\n      ...InvitationFields\n    }\n  }\n}": types.InvitationFieldsFragmentDoc,
    "fragment MutationError on Error {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    field\n  }\n  ... on UpstreamError {\n    retryAfterSeconds\n  }\n}\n\nmutation UpdateInvitationRoles($projectId: ObjectID!, $invitation: InvitationSelector!, $roles: [ProjectRole!]!) {\n  updateInvitationRoles(\n    projectId: $projectId\n    invitation: $invitation\n    roles: $roles\n  ) {\n    __typename\n    ... on InvitationRolesUpdated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation CreateInvitation($projectId: ObjectID!, $username: EmailAddress!, $roles: [ProjectRole!]!) {\n  createInvitation(projectId: $projectId, username: $username, roles: $roles) {\n    __typename\n    ... on InvitationCreated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation DeleteInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  deleteInvitation(projectId: $projectId, invitationId: $invitationId) {\n    __typename\n    ... on InvitationDeleted {\n      invitationId\n      project {\n        id\n        invitations {\n          id\n        }\n      }\n    }\n    ...MutationError\n  }\n}": types.MutationErrorFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment InvitationFields on Invitation {\n  id\n  username\n  inviterUsername\n  projectName\n  roles\n  roleNames\n  createdAt\n  expiresAt\n  expired\n  project {\n    id\n  }\n}\n\nquery ProjectInvitations($projectId: ObjectID!, $username: EmailAddress) {\n  project(id: $projectId) {\n    id\n    invitations(username: $username) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  project(id: $projectId) {\n    id\n    invitation(id: $invitationId) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectsInvitations($projectIds: [ObjectID!]!) {\n  projects(ids: $projectIds) {\n    id\n    invitations {\n      ...InvitationFields\n    }\n  }\n}"): (typeof documents)["fragment InvitationFields on Invitation {\n  id\n  username\n  inviterUsername\n  projectName\n  roles\n  roleNames\n  createdAt\n  expiresAt\n  expired\n  project {\n    id\n  }\n}\n\nquery ProjectInvitations($projectId: ObjectID!, $username: EmailAddress) {\n  project(id: $projectId) {\n    id\n    invitations(username: $username) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  project(id: $projectId) {\n    id\n    invitation(id: $invitationId) {\n      ...InvitationFields\n    }\n  }\n}\n\nquery ProjectsInvitations($projectIds: [ObjectID!]!) {\n  projects(ids: $projectIds) {\n    id\n    invitations {\n      ...InvitationFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MutationError on Error {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    field\n  }\n  ... on UpstreamError {\n    retryAfterSeconds\n  }\n}\n\nmutation UpdateInvitationRoles($projectId: ObjectID!, $invitation: InvitationSelector!, $roles: [ProjectRole!]!) {\n  updateInvitationRoles(\n    projectId: $projectId\n    invitation: $invitation\n    roles: $roles\n  ) {\n    __typename\n    ... on InvitationRolesUpdated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation CreateInvitation($projectId: ObjectID!, $username: EmailAddress!, $roles: [ProjectRole!]!) {\n  createInvitation(projectId: $projectId, username: $username, roles: $roles) {\n    __typename\n    ... on InvitationCreated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation DeleteInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  deleteInvitation(projectId: $projectId, invitationId: $invitationId) {\n    __typename\n    ... on InvitationDeleted {\n      invitationId\n      project {\n        id\n        invitations {\n          id\n        }\n      }\n    }\n    ...MutationError\n  }\n}"): (typeof documents)["fragment MutationError on Error {\n  __typename\n  code\n  message\n  ... on InvalidInputError {\n    field\n  }\n  ... on UpstreamError {\n    retryAfterSeconds\n  }\n}\n\nmutation UpdateInvitationRoles($projectId: ObjectID!, $invitation: InvitationSelector!, $roles: [ProjectRole!]!) {\n  updateInvitationRoles(\n    projectId: $projectId\n    invitation: $invitation\n    roles: $roles\n  ) {\n    __typename\n    ... on InvitationRolesUpdated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation CreateInvitation($projectId: ObjectID!, $username: EmailAddress!, $roles: [ProjectRole!]!) {\n  createInvitation(projectId: $projectId, username: $username, roles: $roles) {\n    __typename\n    ... on InvitationCreated {\n      invitation {\n        ...InvitationFields\n      }\n    }\n    ...MutationError\n  }\n}\n\nmutation DeleteInvitation($projectId: ObjectID!, $invitationId: ObjectID!) {\n  deleteInvitation(projectId: $projectId, invitationId: $invitationId) {\n    __typename\n    ... on InvitationDeleted {\n      invitationId\n      project {\n        id\n        invitations {\n          id\n        }\n      }\n    }\n    ...MutationError\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;