import { getArgumentValues, type GraphQLResolveInfo } from 'graphql';
import { GatewayError } from '../errors/index.ts';
import { PLAIN_NAME } from '../schema/namespace.ts';
import type { ErrorCode } from '../errors/index.ts';

/** The three changes the gateway makes in Ops Manager, named as the mutations are. */
export type ChangeAction = 'createInvitation' | 'updateInvitationRoles' | 'deleteInvitation';

/** What a mutation asked Ops Manager to do. */
export interface ChangeRequest {
  action: ChangeAction;
  projectId: string;
  invitationId?: string | undefined;
  /** The invited address (create, or update by username). */
  username?: string | undefined;
  roles?: readonly string[] | undefined;
}

/** A change attempt and how it ended: the member of the mutation's result union it answered. */
export interface ChangeAttempt extends ChangeRequest {
  /** `InvitationCreated`, `NotFoundError`, `OutcomeUnknownError`, ...; `UnexpectedError` for a bug. */
  result: string;
  code?: ErrorCode | undefined;
  /** Ops Manager's HTTP status: of the refusal, or of the response that settled a success; absent when none came. */
  upstreamStatus?: number | undefined;
  /** A success confirmed by reading the project again after the response was lost. */
  confirmedByReadBack?: boolean | undefined;
  /** Each time the change was sent to Ops Manager (at most twice), in order; empty when it never was. */
  sends?: ChangeSend[] | undefined;
}

/**
 * One time a change was sent to Ops Manager: the HTTP status it answered (absent when no response
 * came) and, when it failed, its code (MUTATION_OUTCOME_UNKNOWN: the response was lost or unreadable;
 * `notSent` when it was refused before leaving).
 */
export interface ChangeSend {
  status?: number | undefined;
  code?: ErrorCode | undefined;
  /** The request certainly never left (circuit open, the operation over before a slot freed). */
  notSent?: true | undefined;
}

/** Where every attempt of an operation is reported: the audit trail, the idempotency plugin. */
export interface ChangeJournal {
  readonly attempts: ChangeAttempt[];
  record(attempt: ChangeAttempt): void;
  /**
   * Runs one change and reports how it ended, success or failure, then hands the outcome on
   * unchanged (a GatewayError is still thrown, for the errors plugin to turn into its member).
   * `run` writes each time it sends the change into `sends`.
   */
  attempt<T extends ChangeSuccess>(request: ChangeRequest, run: (sends: ChangeSend[]) => Promise<T>): Promise<T>;
}

/** What a change's success carries that the trail records. */
export interface ChangeSuccess {
  invitation?: { id: string } | undefined;
  confirmedByReadBack: boolean;
}

/** The success member of each mutation's result union. */
const SUCCESS_MEMBER: Record<ChangeAction, string> = {
  createInvitation: 'InvitationCreated',
  updateInvitationRoles: 'InvitationRolesUpdated',
  deleteInvitation: 'InvitationDeleted',
};

/** A journal that keeps the attempts and hands each to `report` (the audit trail). */
export function createJournal(report: (attempt: ChangeAttempt) => void): ChangeJournal {
  const attempts: ChangeAttempt[] = [];
  const record = (attempt: ChangeAttempt) => {
    attempts.push(attempt);
    report(attempt);
  };
  return {
    attempts,
    record,
    async attempt(request, run) {
      const sends: ChangeSend[] = [];
      try {
        const value = await run(sends);
        record({
          ...request,
          invitationId: value.invitation?.id ?? request.invitationId,
          result: SUCCESS_MEMBER[request.action],
          upstreamStatus: settlingStatus(sends),
          confirmedByReadBack: value.confirmedByReadBack,
          sends,
        });
        return value;
      } catch (error) {
        record(
          error instanceof GatewayError
            ? { ...request, result: error.name, code: error.code, upstreamStatus: error.upstreamStatus, sends }
            : { ...request, result: 'UnexpectedError', sends },
        );
        throw error;
      }
    },
  };
}

/**
 * The status of the response a success was settled by: the last send's (a 2xx, or the 409 or 404 a
 * second attempt was refused with); none when a read confirmed a change whose response was lost.
 */
function settlingStatus(sends: readonly ChangeSend[]): number | undefined {
  const last = sends.at(-1);
  return last?.code === 'MUTATION_OUTCOME_UNKNOWN' ? undefined : last?.status;
}

/** Members whose outcome may still change: a retry of the same request can end differently. */
const TRANSIENT_RESULTS = new Set(['UpstreamError', 'OutcomeUnknownError', 'UnexpectedError']);

/** Whether every attempt ended for good (a success, or a refusal that a retry would meet again). */
export function allSettled(attempts: readonly ChangeAttempt[]): boolean {
  return attempts.every((attempt) => !TRANSIENT_RESULTS.has(attempt.result));
}

/**
 * A change refused before its resolver ran (scope-auth: no write scope, a project outside the
 * caller's list) is an attempt too, and the audit trail must show it. Its arguments are read
 * from the operation as the resolver would have had them.
 */
export function recordRefusedChange(journal: ChangeJournal, info: GraphQLResolveInfo, error: GatewayError): void {
  const field = info.parentType.getFields()[info.fieldName];
  const node = info.fieldNodes[0];
  if (!field || !node) return;
  let args: Record<string, unknown> = {};
  try {
    args = getArgumentValues(field, node, info.variableValues);
  } catch {
    // Arguments were validated before execution; nothing more to read if they cannot be.
  }
  const selector = (args.invitation ?? {}) as { id?: string; username?: string };
  journal.record({
    // Behind the subgraph the mutation may be namespaced (opsManagerCreateInvitation): the action is its plain name.
    action: (field.extensions[PLAIN_NAME] ?? info.fieldName) as ChangeAction,
    projectId: String(args.projectId ?? ''),
    invitationId: (args.invitationId as string | undefined) ?? selector.id,
    username: (args.username as string | undefined) ?? selector.username,
    roles: args.roles as string[] | undefined,
    result: error.name,
    code: error.code,
  });
}
