/**
 * A typed client of the invitations gateway for frontend teams.
 *
 *   const invitations = createInvitationsClient({ url: 'https://gateway.example.com/graphql' });
 *   const pending = await invitations.listInvitations(projectId);
 *   const result = await invitations.createInvitation(projectId, 'jane@example.com', ['GROUP_READ_ONLY']);
 *   switch (result.__typename) {
 *     case 'InvitationCreated': show(result.invitation); break;
 *     case 'AlreadyExistsError': warn(result.message); break;
 *     default: fail(result.code, result.message);
 *   }
 *
 * Every call runs one of the operations of operations/, typed by codegen (src/sdk/generated), so
 * a schema change that breaks the client fails type-checking here, not in a browser. Queries
 * throw `InvitationsRequestError` on any GraphQL error; mutations return their result union,
 * typed, and throw only when the gateway refuses the request as a whole.
 *
 * This module imports graphql-request and the generated documents only, never gateway code, so
 * it bundles small in a frontend.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, GraphQLClient, type RequestOptions } from 'graphql-request';
import { InvitationsRequestError } from './errors.ts';
import {
  CreateInvitationDocument,
  type CreateInvitationMutation,
  DeleteInvitationDocument,
  type DeleteInvitationMutation,
  type InvitationFieldsFragment,
  type InvitationSelector,
  ProjectInvitationDocument,
  ProjectInvitationsDocument,
  type ProjectRole,
  ProjectsInvitationsDocument,
  UpdateInvitationRolesDocument,
  type UpdateInvitationRolesMutation,
} from './generated/graphql.ts';

export { type GatewayError, InvitationsRequestError } from './errors.ts';
export type { ErrorCode, InvitationSelector, MutationErrorFragment as MutationError, ProjectRole } from './generated/graphql.ts';

/** A pending invitation, with every field operations/ selects. */
export type Invitation = InvitationFieldsFragment;
/** The invitations of one project, as `listInvitationsOfProjects` returns them. */
export interface ProjectInvitations {
  projectId: string;
  invitations: Invitation[];
}
/** `InvitationRolesUpdated` or a typed error; switch on `__typename`. */
export type UpdateInvitationRolesResult = UpdateInvitationRolesMutation['updateInvitationRoles'];
/** `InvitationCreated` or a typed error; switch on `__typename`. */
export type CreateInvitationResult = CreateInvitationMutation['createInvitation'];
/** `InvitationDeleted` (with the project's remaining invitations) or a typed error. */
export type DeleteInvitationResult = DeleteInvitationMutation['deleteInvitation'];

export interface InvitationsClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://gateway.example.com/graphql`. */
  url: string;
  /** Sent with every request; a function is called before each request (a fresh token, say). */
  headers?: HeadersInit | (() => HeadersInit);
  /** The fetch to send requests with (a test double, or one with a proxy). @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Per call: an `AbortSignal` to cancel it (React Query and friends hand one over). */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface InvitationsClient {
  /** The pending invitations of a project; `username` keeps the one with that whole address, ignoring case. */
  listInvitations(projectId: string, options?: CallOptions & { username?: string }): Promise<Invitation[]>;
  /** One invitation, or null when the project has no invitation with this id. */
  getInvitation(projectId: string, invitationId: string, options?: CallOptions): Promise<Invitation | null>;
  /** The invitations of several projects (at most 100), in the order asked; one request. */
  listInvitationsOfProjects(projectIds: readonly string[], options?: CallOptions): Promise<ProjectInvitations[]>;
  /** Replaces all roles of the invitation chosen by `{ id }` or `{ username }`. */
  updateInvitationRoles(
    projectId: string,
    selector: InvitationSelector,
    roles: readonly ProjectRole[],
    options?: CallOptions,
  ): Promise<UpdateInvitationRolesResult>;
  createInvitation(projectId: string, username: string, roles: readonly ProjectRole[], options?: CallOptions): Promise<CreateInvitationResult>;
  deleteInvitation(projectId: string, invitationId: string, options?: CallOptions): Promise<DeleteInvitationResult>;
}

export function createInvitationsClient(options: InvitationsClientOptions): InvitationsClient {
  const client = new GraphQLClient(options.url, { headers: options.headers, fetch: options.fetch });

  async function send<T, V extends object>(document: TypedDocumentNode<T, V>, variables: V, signal?: AbortSignal): Promise<T> {
    let data: T | undefined;
    try {
      // graphql-request's conditional `variables` typing does not resolve for a generic V.
      data = await client.request<T, V>({ document, variables, signal } as unknown as RequestOptions<V, T>);
    } catch (error) {
      // ClientError: the gateway answered, with errors (or not GraphQL at all). Anything else
      // (a refused connection, an abort) is fetch's own error and passes through unchanged.
      if (error instanceof ClientError) throw new InvitationsRequestError(error.response);
      throw error;
    }
    // A 2xx JSON body with neither data nor errors is not a GraphQL answer either.
    if (data == null) throw new InvitationsRequestError({ status: 200 });
    return data;
  }

  // With graphql-request's default error policy a response with errors throws, so a null
  // `invitations` never reaches these mappers; `?? []` only satisfies the nullable type.
  return {
    async listInvitations(projectId, { username, signal } = {}) {
      const { project } = await send(ProjectInvitationsDocument, { projectId, username }, signal);
      return project.invitations ?? [];
    },
    async getInvitation(projectId, invitationId, { signal } = {}) {
      const { project } = await send(ProjectInvitationDocument, { projectId, invitationId }, signal);
      return project.invitation;
    },
    async listInvitationsOfProjects(projectIds, { signal } = {}) {
      const { projects } = await send(ProjectsInvitationsDocument, { projectIds: [...projectIds] }, signal);
      return projects.map((project) => ({ projectId: project.id, invitations: project.invitations ?? [] }));
    },
    async updateInvitationRoles(projectId, invitation, roles, { signal } = {}) {
      const result = await send(UpdateInvitationRolesDocument, { projectId, invitation, roles: [...roles] }, signal);
      return result.updateInvitationRoles;
    },
    async createInvitation(projectId, username, roles, { signal } = {}) {
      const result = await send(CreateInvitationDocument, { projectId, username, roles: [...roles] }, signal);
      return result.createInvitation;
    },
    async deleteInvitation(projectId, invitationId, { signal } = {}) {
      const result = await send(DeleteInvitationDocument, { projectId, invitationId }, signal);
      return result.deleteInvitation;
    },
  };
}
