import { STATUS_CODES } from 'node:http';

/**
 * The JSON body Ops Manager sends with an API error. `errorCode` and `parameters` are absent on
 * some real responses (the Digest 401, a generic 405), so clients must not rely on them.
 */
export interface OpsManagerErrorBody {
  detail: string;
  error: number;
  errorCode?: string;
  parameters?: unknown[];
  reason: string;
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

/** An expected API error: thrown by the store and body parsers, turned into a response in one place. */
export class OpsManagerError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly detail: string,
    readonly parameters: unknown[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${status} ${errorCode ?? ''} ${detail}`.replace(/\s+/g, ' '));
    this.name = 'OpsManagerError';
  }

  toBody(): OpsManagerErrorBody {
    if (this.errorCode === undefined) {
      return { detail: this.detail, error: this.status, reason: reasonPhrase(this.status) };
    }
    return {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: reasonPhrase(this.status),
    };
  }
}

/** Factories named after Ops Manager error codes; details use the wording of the Ops Manager error list. */
export const apiErrors = {
  invalidGroupId: (groupId: string) =>
    new OpsManagerError(404, 'INVALID_GROUP_ID', `An invalid group ID ${groupId} was specified.`, [groupId]),
  groupNotFound: (groupId: string) =>
    new OpsManagerError(404, 'GROUP_NOT_FOUND', `No group with ID ${groupId} exists.`, [groupId]),
  resourceNotFound: (resource: string) =>
    new OpsManagerError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${resource}.`, [resource]),
  invalidJson: () => new OpsManagerError(400, 'INVALID_JSON', 'Received JSON does not match expected format.'),
  invalidJsonAttribute: (attribute: string) =>
    new OpsManagerError(
      400,
      'INVALID_JSON_ATTRIBUTE',
      `Received JSON for the ${attribute} attribute does not match expected format.`,
      [attribute],
    ),
  missingAttribute: (attribute: string) =>
    new OpsManagerError(400, 'MISSING_ATTRIBUTE', `The required attribute ${attribute} was not specified.`, [
      attribute,
    ]),
  attributeReadOnly: (attribute: string) =>
    new OpsManagerError(
      400,
      'ATTRIBUTE_READ_ONLY',
      `The attribute ${attribute} is read-only and cannot be changed by the user.`,
      [attribute],
    ),
  invalidAttribute: (attribute: string) =>
    new OpsManagerError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${attribute} specified.`, [attribute]),
  invalidRoleForGroup: (role: string, groupId: string) =>
    new OpsManagerError(400, 'INVALID_ROLE_FOR_GROUP', `Role ${role} is invalid for group ${groupId}.`, [
      role,
      groupId,
    ]),
  invalidEmailAddress: () =>
    new OpsManagerError(400, 'INVALID_EMAIL_ADDRESS', 'An invalid email address was specified.'),
  userAlreadyExists: (username: string) =>
    new OpsManagerError(409, 'USER_ALREADY_EXISTS', `A user with username ${username} already exists.`, [username]),
  notGroupUserAdmin: (groupId: string) =>
    new OpsManagerError(
      401,
      'NOT_GROUP_USER_ADMIN',
      `The currently logged in user does not have the user administrator role in group ${groupId}.`,
      [groupId],
    ),
  // Not an Ops Manager ApiError: the web framework answers these, without an errorCode.
  methodNotAllowed: (method: string, allowed: readonly string[]) =>
    new OpsManagerError(405, undefined, `HTTP method ${method} is not allowed for this resource.`, [], {
      Allow: allowed.join(', '),
    }),
  // What a JAX-RS server answers for a body it has no reader for; Ops Manager's error envelope, no errorCode.
  unsupportedMediaType: () => new OpsManagerError(415, undefined, 'The request body must be application/json.'),
  payloadTooLarge: (limitBytes: number) =>
    new OpsManagerError(413, undefined, `The request body is larger than ${limitBytes} bytes.`),
  rateLimited: (resource: string, perMinute = 100) =>
    new OpsManagerError(
      429,
      'RATE_LIMITED',
      `Resource ${resource} is limited to ${perMinute} requests every 1 minutes.`,
      [resource, perMinute, 1],
    ),
  unexpected: () => new OpsManagerError(500, 'UNEXPECTED_ERROR', 'Unexpected error.'),
};

/**
 * The error an injected `status` fault answers with when the test gives no body: the code Ops
 * Manager uses for that status where there is one, else the reason phrase in upper snake case
 * (503 → SERVICE_UNAVAILABLE).
 */
export function errorForStatus(status: number, path: string): OpsManagerError {
  switch (status) {
    case 401:
      return new OpsManagerError(401, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.');
    case 404:
      return apiErrors.resourceNotFound(path);
    case 429:
      return apiErrors.rateLimited(path);
    case 500:
      return apiErrors.unexpected();
    default: {
      const reason = reasonPhrase(status);
      const code = reason
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .replace(/^_|_$/g, '');
      return new OpsManagerError(status, code, `${reason}: injected by the Ops Manager simulator.`);
    }
  }
}
