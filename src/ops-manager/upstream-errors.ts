import {
  AlreadyExistsError,
  ErrorCode,
  ForbiddenError,
  type GatewayError,
  InvalidInputError,
  NotFoundError,
  UpstreamError,
} from '../errors/index.ts';
import { ErrorBodySchema } from './schemas.ts';

/** What the failed call was about, so a bare 404 can say which thing was not found. */
export type UpstreamResource = 'project' | 'invitation';

export interface UpstreamFailure {
  status: number;
  headers: Headers;
  /** The raw body; it may be empty, JSON of any shape, or not JSON at all. */
  bodyText: string;
  resource: UpstreamResource;
}

// 401s that mean "your key is fine, but it may not do this here".
const PERMISSION_CODES = new Set([
  'NOT_GROUP_USER_ADMIN',
  'NOT_IN_GROUP',
  'USER_UNAUTHORIZED',
  'NOT_USER_ADMIN',
  'NOT_ORG_ADMIN',
]);
const PROJECT_CODES = new Set(['GROUP_NOT_FOUND', 'INVALID_GROUP_ID', 'GROUP_NAME_NOT_FOUND']);

/**
 * The one place that turns a non-2xx Ops Manager response into a gateway error:
 * HTTP status and Ops Manager `errorCode` in, stable code out. Messages are our own;
 * the upstream's `detail` goes to logs only, never to a client.
 */
export function errorFromResponse(failure: UpstreamFailure): GatewayError {
  const { status, headers, resource } = failure;
  const body = parseErrorBody(failure.bodyText);
  const upstreamErrorCode = body.errorCode ?? headers.get('x-error-code') ?? undefined;
  const options = { upstreamErrorCode, upstreamStatus: status };

  if (status === 401) {
    if (upstreamErrorCode && PERMISSION_CODES.has(upstreamErrorCode)) {
      return new ForbiddenError(
        'The gateway’s Ops Manager API key may not manage invitations of this project.',
        options,
      );
    }
    return new UpstreamError(
      ErrorCode.UPSTREAM_UNAUTHENTICATED,
      'Ops Manager rejected the gateway’s API key.',
      options,
    );
  }
  if (status === 403) {
    return new ForbiddenError(
      'Ops Manager refused access for the gateway’s API key (role or IP access list).',
      options,
    );
  }
  if (status === 404) {
    if (resource === 'project' || (upstreamErrorCode && PROJECT_CODES.has(upstreamErrorCode))) {
      return new NotFoundError(ErrorCode.PROJECT_NOT_FOUND, 'No project with this id exists in Ops Manager.', options);
    }
    return new NotFoundError(ErrorCode.INVITATION_NOT_FOUND, 'No pending invitation matches in this project.', options);
  }
  if (status === 409) {
    return new AlreadyExistsError(
      'This project already has a pending invitation or a member with this username.',
      options,
    );
  }
  if (status === 429) {
    return new UpstreamError(
      ErrorCode.UPSTREAM_RATE_LIMITED,
      'Ops Manager is rate limiting the gateway; try again later.',
      {
        ...options,
        retryAfterSeconds: parseRetryAfter(headers.get('retry-after')),
      },
    );
  }
  if (status === 400 || status === 422) {
    return new InvalidInputError(
      `Ops Manager rejected the input${upstreamErrorCode ? ` (${upstreamErrorCode})` : ''}.`,
      options,
    );
  }
  if (status >= 500) {
    return new UpstreamError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `Ops Manager answered with a server error (${status}).`,
      options,
    );
  }
  return new UpstreamError(ErrorCode.UPSTREAM_REJECTED, `Ops Manager refused the request (${status}).`, options);
}

function parseErrorBody(text: string) {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
