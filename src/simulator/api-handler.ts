import { apiErrors } from './errors.ts';
import { parseInvitationBody } from './invitation-body.ts';
import type { ApiResult } from './responses.ts';
import type { RouteMatch } from './routes.ts';
import type { SimulatorStore } from './store.ts';

/** An authenticated request on an invites route, its body already read. */
export interface InvitesRequest {
  method: string;
  route: RouteMatch;
  query: URLSearchParams;
  body: Buffer;
  /** The API key that signed the request; undefined with auth 'none'. */
  publicKey: string | undefined;
  /** Becomes `inviterUsername` on invitations this caller creates. */
  callerUsername: string;
}

export interface InvitesOutcome extends ApiResult {
  /** True when the call changed data; the server counts these to check "applied at most once". */
  applied: boolean;
}

/**
 * Runs one invites call against the store. Checks run in the order Ops Manager's resource does:
 * method, project id, project, caller's role, body, invitation. Expected failures are thrown as
 * OpsManagerError.
 */
export function handleInvitesRequest(store: SimulatorStore, request: InvitesRequest): InvitesOutcome {
  const { method, route, query, body } = request;
  if (!route.allowedMethods.includes(method)) throw apiErrors.methodNotAllowed(method, route.allowedMethods);
  const groupId = store.requireProject(route.groupId).id;
  store.requireUserAdmin(groupId, request.publicKey);
  const invitationId = route.invitationId;

  if (invitationId === undefined) {
    switch (method) {
      case 'GET': {
        const username = query.get('username') ?? undefined;
        return { status: 200, body: store.listInvitations(groupId, { username }), applied: false };
      }
      case 'POST': {
        const created = parseInvitationBody(body, groupId, ['roles', 'username']);
        // Ops Manager documents 201 Created (Atlas answers 200; clients should accept both).
        return { status: 201, body: store.createInvitation(groupId, created, request.callerUsername), applied: true };
      }
      default: {
        const { username, roles } = parseInvitationBody(body, groupId, ['roles', 'username']);
        return { status: 200, body: store.updateInvitationRolesByUsername(groupId, username, roles), applied: true };
      }
    }
  }

  switch (method) {
    case 'GET':
      return { status: 200, body: store.requireInvitation(groupId, invitationId), applied: false };
    case 'PATCH': {
      const { roles } = parseInvitationBody(body, groupId, ['roles']);
      return { status: 200, body: store.updateInvitationRoles(groupId, invitationId, roles), applied: true };
    }
    default:
      store.deleteInvitation(groupId, invitationId);
      return { status: 204, applied: true };
  }
}
