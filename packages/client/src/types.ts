import type {
  CreateInvitationMutation,
  DeleteInvitationMutation,
  InvitationFieldsFragment,
  UpdateInvitationRolesMutation,
} from './generated/graphql.js';

export type {
  ErrorCode,
  InvitationSelector,
  MutationErrorFragment as MutationError,
  ProjectRole,
} from './generated/graphql.js';

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
