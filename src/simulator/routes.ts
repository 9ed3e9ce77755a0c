/** Base path of the Ops Manager public API v1.0. */
export const API_BASE_PATH = '/api/public/v1.0';

export type RouteTemplate = '/groups/{groupId}/invites' | '/groups/{groupId}/invites/{invitationId}';

export interface RouteMatch {
  template: RouteTemplate;
  groupId: string;
  invitationId?: string;
  /** Methods the route answers; any other gets 405. */
  allowedMethods: readonly string[];
}

const COLLECTION_METHODS = ['GET', 'POST', 'PATCH'] as const;
const ITEM_METHODS = ['GET', 'PATCH', 'DELETE'] as const;

/**
 * Matches a request path (without query) to an invites route. A trailing slash is accepted, as
 * the Ops Manager docs write `POST /groups/{GROUP-ID}/invites/`. Ids are not validated here:
 * a malformed id is the handler's INVALID_GROUP_ID / RESOURCE_NOT_FOUND, not an unknown path.
 */
export function matchRoute(pathname: string): RouteMatch | undefined {
  if (!pathname.startsWith(`${API_BASE_PATH}/`)) return undefined;
  const rest = pathname.slice(API_BASE_PATH.length + 1).replace(/\/$/, '');
  let segments: string[];
  try {
    segments = rest.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const [groups, groupId, invites, invitationId, ...extra] = segments;
  if (groups !== 'groups' || groupId === undefined || invites !== 'invites' || extra.length > 0) return undefined;
  if (invitationId === undefined) {
    return { template: '/groups/{groupId}/invites', groupId, allowedMethods: COLLECTION_METHODS };
  }
  return { template: '/groups/{groupId}/invites/{invitationId}', groupId, invitationId, allowedMethods: ITEM_METHODS };
}

/** The key used by counters and fault matching, e.g. 'GET /groups/{groupId}/invites'. */
export function routeKey(method: string, template: RouteTemplate): string {
  return `${method} ${template}`;
}
