import { apiErrors } from './errors.ts';
import { parseInvitationBody } from './invitation-body.ts';
import type { ApiResult } from './responses.ts';
import type { RouteMatch } from './routes.ts';
import type { SimulatorStore } from './store.ts';
import type { SimulatorVariants } from './variants.ts';

/** An authenticated request on an invites route, its body already read. */
export interface InvitesRequest {
  method: string;
  route: RouteMatch;
  query: URLSearchParams;
  body: Buffer;
  /** The request's Content-Type header, if any. */
  contentType: string | undefined;
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
 * method, content type, project id, project, caller's role, body, invitation. Expected failures
 * are thrown as OpsManagerError. `variants` says how a create and a delete answer.
 */
export function handleInvitesRequest(
  store: SimulatorStore,
  request: InvitesRequest,
  variants: SimulatorVariants,
): InvitesOutcome {
  const { method, route, query, body } = request;
  if (!route.allowedMethods.includes(method)) throw apiErrors.methodNotAllowed(method, route.allowedMethods);
  // JAX-RS matches @Consumes(application/json) before the resource method runs; a missing
  // Content-Type counts as application/octet-stream (JAX-RS 2.1, section 3.7.2).
  if ((method === 'POST' || method === 'PATCH') && !isJson(request.contentType)) throw apiErrors.unsupportedMediaType();
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
        return {
          status: variants.createStatus,
          body: store.createInvitation(groupId, created, request.callerUsername),
          applied: true,
        };
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
      // Seed 003's example request sends the invitation's `username` beside `roles`: accepted
      // when it names this invitation's user (ignoring case); another user is refused.
      const { roles, username } = parseInvitationBody(body, groupId, ['roles'], ['username']);
      return { status: 200, body: store.updateInvitationRoles(groupId, invitationId, roles, username), applied: true };
    }
    default:
      store.deleteInvitation(groupId, invitationId);
      return { ...DELETE_RESULTS[variants.deleteResponse], applied: true };
  }
}

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

/** A delete's answer, per variant (see SimulatorVariants.deleteResponse). */
const DELETE_RESULTS: Record<SimulatorVariants['deleteResponse'], ApiResult> = {
  'no-content': { status: 204, headers: JSON_HEADERS },
  'empty-object': { status: 200, body: {} },
  'empty-body': { status: 200, headers: JSON_HEADERS },
};

/** `application/json`, any case, with or without parameters (`; charset=UTF-8`). */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
