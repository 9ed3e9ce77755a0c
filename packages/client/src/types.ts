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
/**
 * The response of any of the three changes, and what it means (switch on `__typename`). The gateway sends
 * a change to Ops Manager at most twice, and the second time only when a lost response left it
 * unsettled and sending it again cannot double it:
 *
 * - the success member (`InvitationCreated`, `InvitationRolesUpdated`, `InvitationDeleted`): the
 *   change holds in Ops Manager. `attempts` is 1, or 2 when the first response was lost, a read of
 *   the project did not show the change, and the gateway sent it once more. `confirmedByReadBack`
 *   is false when Ops Manager's own response said so, true when a response was lost and a read of the
 *   project showed the state asked for.
 * - `OutcomeUnknownError` (`MUTATION_OUTCOME_UNKNOWN`): the response was lost and nothing settled it
 *   (the second attempt was lost or refused with "try later" too, the read failed, the deadline
 *   passed, or the caller went away). The change may or may not be applied: `readBack` is what the
 *   last read showed (null when no read succeeded), `attempts` how many times it was sent. Read the
 *   invitation again before retrying.
 * - `ConcurrentChangeError` (`INVITATION_CHANGED_CONCURRENTLY`): the response was lost and a read
 *   showed the invitation as another change left it (for a create: the address invited with other
 *   roles). The change was not sent again, so as not to overwrite that; `readBack` is as read.
 * - `AlreadyExistsError` (`INVITATION_ALREADY_EXISTS`): the address was already invited in the
 *   project; after a second attempt refused as a duplicate, `readBack` shows that invitation.
 * - any other member: Ops Manager (or the gateway) refused the change; it was not applied.
 */
export type ChangeResult = CreateInvitationResult | UpdateInvitationRolesResult | DeleteInvitationResult;

/** `InvitationRolesUpdated` or a typed error; switch on `__typename` (what each means: {@link ChangeResult}). */
export type UpdateInvitationRolesResult = UpdateInvitationRolesMutation['updateInvitationRoles'];
/** `InvitationCreated` or a typed error; switch on `__typename` (what each means: {@link ChangeResult}). */
export type CreateInvitationResult = CreateInvitationMutation['createInvitation'];
/** `InvitationDeleted` (with the project's remaining invitations) or a typed error (what each means: {@link ChangeResult}). */
export type DeleteInvitationResult = DeleteInvitationMutation['deleteInvitation'];
