import type { ErrorCode } from './generated/graphql.js';

/** One entry of a GraphQL response's `errors[]`, with its `extensions.code` lifted out. */
export interface GatewayError {
  message: string;
  /** A stable `ErrorCode` for expected failures; absent on masked ("Unexpected error.") ones. */
  code: ErrorCode | (string & {}) | undefined;
  /** Which field failed, e.g. `['projects', 1, 'invitations']`. */
  path: readonly (string | number)[] | undefined;
  /** Everything else the gateway put in `extensions` (`upstreamErrorCode`, `retryAfterSeconds`, …). */
  extensions: Readonly<Record<string, unknown>>;
}

interface ResponseLike {
  status: number;
  data?: unknown;
  errors?:
    | readonly {
        message: string;
        path?: readonly (string | number)[] | undefined;
        extensions?: Record<string, unknown> | undefined;
      }[]
    | undefined;
}

/**
 * A request the gateway answered with `errors[]`: any failure of a query (a missing project,
 * a forbidden one, Ops Manager down, …) or a request refused as a whole (malformed ids in the
 * variables answer HTTP 400). Expected mutation failures are NOT thrown: they are the typed
 * members of the mutation's result. An answer that is not GraphQL at all (a proxy's 502 page)
 * is one too, with no codes. Network failures (the gateway unreachable) and aborts reject with
 * fetch's own error instead.
 */
export class InvitationsRequestError extends Error {
  override readonly name = 'InvitationsRequestError';
  /** The distinct `extensions.code`s, in the order the errors came. */
  readonly codes: readonly (ErrorCode | (string & {}))[];
  readonly errors: readonly GatewayError[];
  /** The HTTP status: 200 for a field that failed, 4xx for a request refused as a whole. */
  readonly status: number;
  /**
   * What the gateway answered beside the errors. A query over several projects still answers
   * for the projects that did not fail (the failed ones have `invitations: null`).
   */
  readonly data: unknown;

  constructor(response: ResponseLike) {
    const errors: GatewayError[] = (response.errors ?? []).map(({ message, path, extensions = {} }) => ({
      message,
      code: typeof extensions['code'] === 'string' ? extensions['code'] : undefined,
      path,
      extensions,
    }));
    const codes = [...new Set(errors.flatMap((error) => (error.code ? [error.code] : [])))];
    const summary = errors.map((error) => (error.code ? `${error.code}: ${error.message}` : error.message)).join('; ');
    super(summary || `The gateway's answer (HTTP ${response.status}) held no GraphQL result`);
    this.codes = codes;
    this.errors = errors;
    this.status = response.status;
    this.data = response.data ?? null;
  }

  /** Whether any error carries this code: `error.hasCode('PROJECT_NOT_FOUND')`. */
  hasCode(code: ErrorCode | (string & {})): boolean {
    return this.codes.includes(code);
  }
}
