import {
  AlreadyExistsError,
  ConcurrentChangeError,
  ErrorCode,
  errorCodes,
  ForbiddenError,
  type GatewayError,
  InvalidInputError,
  NotFoundError,
  OutcomeUnknownError,
  type ReadBack,
  UpstreamError,
} from '../errors/index.ts';
import { builder } from './builder.ts';
import { InvitationRef } from './invitation.ts';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Stable codes of expected failures. Queries carry them in `errors[].extensions.code`.',
  values: Object.fromEntries(
    Object.values(ErrorCode).map((code) => [code, { value: code, description: errorCodes[code].description }]),
  ) as { [Code in ErrorCode]: { value: Code; description: string } },
});

export const ErrorInterface = builder.interfaceRef<GatewayError>('Error').implement({
  description:
    'An expected failure of a mutation. Every member of a result union except the success type implements it.',
  fields: (t) => ({
    code: t.field({
      type: ErrorCodeEnum,
      description: 'Stable machine-readable code.',
      resolve: (error) => error.code,
    }),
    message: t.exposeString('message', { description: 'Human-readable explanation, safe to show to a user.' }),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'The input breaks a rule, or Ops Manager rejected it (e.g. a role it does not allow in this project).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.string({
      nullable: true,
      description: 'The argument at fault, when known.',
      resolve: (error) => error.field ?? null,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The project (code PROJECT_NOT_FOUND) or the invitation (code INVITATION_NOT_FOUND) does not exist.',
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
    'or responding with something unreadable. `code` says which.',
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
  description: 'What a read of the project showed after a mutation whose outcome was unknown.',
  fields: (t) => ({
    invitation: t.field({
      type: InvitationRef,
      nullable: true,
      description: 'The invitation the mutation is about, as Ops Manager had it then; null when the project had none.',
      resolve: (readBack) => readBack.invitation,
    }),
  }),
});

builder.objectType(AlreadyExistsError, {
  name: 'AlreadyExistsError',
  description: 'The project already has a pending invitation or a member with this username.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    readBack: t.field({
      type: InvitationReadBack,
      nullable: true,
      description:
        'When the create’s first response was lost and Ops Manager refused the second attempt as a duplicate: what a ' +
        'read of the project then showed (an invitation for the address with other roles than asked, or none when a ' +
        'member holds the address). Null when Ops Manager refused the first attempt.',
      resolve: (error) => error.readBack ?? null,
    }),
  }),
});

builder.objectType(OutcomeUnknownError, {
  name: 'OutcomeUnknownError',
  description:
    'The mutation was sent to Ops Manager but no readable response came back (timeout, dropped connection, unreadable ' +
    'response), and neither a read of the project nor a second attempt settled it: it may or may not be applied, and ' +
    'may still apply. The gateway sends a mutation at most twice, the second time only when a read showed it not ' +
    'applied, within the deadline; read again before deciding to retry (or retry with the same Idempotency-Key).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    readBack: t.field({
      type: InvitationReadBack,
      nullable: true,
      description: 'What the last read after the mutation showed; null when no read succeeded.',
      resolve: (error) => error.readBack ?? null,
    }),
    attempts: t.exposeInt('attempts', {
      description:
        'How many times the mutation was sent: 1 (not sent again: the read failed, or the deadline had passed, or the ' +
        'caller had gone away), or 2 (sent again, and that attempt was lost or failed too).',
    }),
  }),
});

builder.objectType(ConcurrentChangeError, {
  name: 'ConcurrentChangeError',
  description:
    'The mutation’s response was lost, and a read of the project showed a state this mutation neither started from nor ' +
    'asked for (for a create: an invitation for the address with other roles): another change was made meanwhile. ' +
    'The gateway did not send this mutation again, so as not to overwrite that; `readBack` shows the invitation as it ' +
    'is. Code INVITATION_CHANGED_CONCURRENTLY.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    // Nullable only so that one selection of `readBack` fits every error member (GraphQL refuses to
    // merge a field that is non-null on one member and nullable on another).
    readBack: t.field({
      type: InvitationReadBack,
      nullable: true,
      description: 'What the read showed; always present.',
      resolve: (error) => error.readBack,
    }),
  }),
});

/** The failures every mutation can meet; each mutation adds its own. */
export const commonMutationErrors = [
  InvalidInputError,
  NotFoundError,
  ForbiddenError,
  UpstreamError,
  OutcomeUnknownError,
];
