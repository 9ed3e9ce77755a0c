import {
  AlreadyExistsError,
  ErrorCode,
  errorCodeDescriptions,
  ForbiddenError,
  GatewayError,
  InvalidInputError,
  NotFoundError,
  OutcomeUnknownError,
  type ReadBack,
  UpstreamError,
} from '../errors.ts';
import { builder } from './builder.ts';
import { InvitationRef } from './invitation.ts';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Stable codes of expected failures. Queries carry them in `errors[].extensions.code`.',
  values: Object.fromEntries(
    Object.values(ErrorCode).map((code) => [code, { value: code, description: errorCodeDescriptions[code] }]),
  ) as { [Code in ErrorCode]: { value: Code; description: string } },
});

export const ErrorInterface = builder.interfaceRef<GatewayError>('Error').implement({
  description: 'An expected failure of a mutation. Every member of a result union except the success type implements it.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'Stable machine-readable code.', resolve: (error) => error.code }),
    message: t.exposeString('message', { description: 'Human-readable explanation, safe to show to a user.' }),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'The input breaks a rule, or Ops Manager rejected it (e.g. a role it does not allow in this project).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.string({ nullable: true, description: 'The argument at fault, when known.', resolve: (error) => error.field ?? null }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The project (code PROJECT_NOT_FOUND) or the invitation (code INVITATION_NOT_FOUND) does not exist.',
  interfaces: [ErrorInterface],
});

builder.objectType(AlreadyExistsError, {
  name: 'AlreadyExistsError',
  description: 'The project already has a pending invitation or a member with this username.',
  interfaces: [ErrorInterface],
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: 'The gateway may not do this in this project (Ops Manager refused its API key).',
  interfaces: [ErrorInterface],
});

builder.objectType(UpstreamError, {
  name: 'UpstreamError',
  description:
    'Ops Manager could not do the work: unreachable, too slow, rate limiting, rejecting the gateway’s key, ' +
    'or answering something unreadable. `code` says which.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.int({
      nullable: true,
      description: 'For UPSTREAM_RATE_LIMITED: seconds Ops Manager asked to wait, when it said.',
      resolve: (error) => error.retryAfterSeconds ?? null,
    }),
  }),
});

const InvitationReadBack = builder.objectRef<ReadBack>('InvitationReadBack').implement({
  description: 'What a read of the project showed after a change whose outcome was unknown.',
  fields: (t) => ({
    invitation: t.field({
      type: InvitationRef,
      nullable: true,
      description: 'The invitation the change is about, as Ops Manager had it then; null when the project had none.',
      resolve: (readBack) => readBack.invitation,
    }),
  }),
});

builder.objectType(OutcomeUnknownError, {
  name: 'OutcomeUnknownError',
  description:
    'The change was sent to Ops Manager but no readable answer came back (timeout, dropped connection, unreadable ' +
    'answer), and a read of the project afterwards did not show the change: it may or may not be applied, and may ' +
    'still apply. The gateway never resends a change; read again before deciding to retry (or retry with the same ' +
    'Idempotency-Key).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    readBack: t.field({
      type: InvitationReadBack,
      nullable: true,
      description: 'What the read after the change showed; null when that read failed too.',
      resolve: (error) => error.readBack ?? null,
    }),
  }),
});

/** The failures every mutation can meet; each mutation adds its own. */
export const commonMutationErrors = [InvalidInputError, NotFoundError, ForbiddenError, UpstreamError, OutcomeUnknownError];
