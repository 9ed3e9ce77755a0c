import {
  AlreadyExistsError,
  ConcurrentChangeError,
  ErrorCode,
  GatewayError,
  NotFoundError,
  OutcomeUnknownError,
  type ReadBack,
} from '../errors/index.ts';
import type { CallContext, OpsManagerClient } from '../ops-manager/client.ts';
import type { Invitation } from '../invitation.ts';
import { backoffTimings } from '../ops-manager/resilience.ts';
import { isDeadline } from '../operation-deadline.ts';
import type { ChangeSend } from './attempts.ts';
import { type DesiredState, readBack, type ReadBackResult } from './read-back.ts';

/** One change, as completeChange needs it. */
export interface ChangeSpec<T> {
  projectId: string;
  /** The state the change asks for. */
  desired: DesiredState;
  /** Sends the change once, with these call options. */
  send(options: CallContext): Promise<T>;
  /** The success value from what a read showed (the invitation asked for; null after a delete). */
  fromRead(invitation: Invitation | null): T;
}

/** How a change's success was established. */
export interface Completion {
  /** True when a read of the project, not Ops Manager's response to the change, showed it applied. */
  confirmedByReadBack: boolean;
  /** How many times the change was sent: 1, or 2 when its first response was lost and it was sent again. */
  attempts: number;
}

export type Completed<T> = T & Completion;

/** Failures of a second attempt that say "not now", and nothing about the first attempt. */
const TRANSIENT = new Set<ErrorCode>([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_RATE_LIMITED,
  ErrorCode.UPSTREAM_TIMEOUT,
]);

/**
 * Sends a change and, when its response is lost (a timeout or reset after sending, an unreadable
 * 2xx), finishes it rather than only reporting it. Each of the three changes converges when sent
 * twice: Ops Manager refuses a second invitation for one address (409), sets the whole role list
 * (the same list twice is the same state), and answers a second delete with 404. So:
 *
 * 1. After a short backoff, the project is read again (and, when that read fails, once more after
 *    another backoff: a failed read says nothing about the change). The state asked for holds →
 *    success, `confirmedByReadBack`.
 *    Another change's state (a create finding the address invited with other roles) →
 *    ConcurrentChangeError with what was read; nothing is sent again, nothing overwritten.
 *    Both reads fail → OutcomeUnknownError, saying why.
 * 2. The read shows the change not applied → it is sent once more, if the operation still has
 *    time and its caller is still there (else OutcomeUnknownError with what was read). That
 *    second attempt settles it: a 2xx → success, `attempts: 2`; a create refused as a duplicate →
 *    a read decides (the roles asked → success, others → AlreadyExistsError with what was read);
 *    a delete answered 404 → success (gone); its response lost too → another backoff and one more
 *    read, again twice if it fails (shown → success, else OutcomeUnknownError); "try later" →
 *    OutcomeUnknownError; any other refusal is the response.
 *
 * Never more than two sends per change. Every send is written into `sends` (the audit line).
 */
export async function completeChange<T>(
  client: OpsManagerClient,
  change: ChangeSpec<T>,
  call: CallContext,
  sends: ChangeSend[],
): Promise<Completed<T>> {
  const first = await sendOnce(change, call, sends);
  if (first.ok) return { ...first.value, confirmedByReadBack: false, attempts: 1 };
  if (!(first.failure instanceof OutcomeUnknownError)) throw first.failure;
  const lost = first.failure;
  // What follows is one incident's follow-up, not new traffic: the first send's failure already
  // counted towards the circuit breaker, and the reads and the second send do not count again.
  const followUp: CallContext = { ...call, uncounted: true };

  let read: ReadBackResult;
  try {
    await pause(client, call, 1);
    read = await readBackTwice(client, change, followUp, 2);
  } catch (error) {
    throw new OutcomeUnknownError(`${lost.message} ${readFailed(error)}`, {
      cause: lost,
      upstreamStatus: lost.upstreamStatus,
    });
  }
  if (read.state === 'applied') return { ...change.fromRead(read.invitation), confirmedByReadBack: true, attempts: 1 };
  if (read.state === 'concurrent') throw concurrent(read);
  const notAgain = whyNotSendAgain(call, client.clock.now());
  if (notAgain !== undefined) {
    throw new OutcomeUnknownError(
      `${lost.message} A read of the project afterwards did not show the change (yet), and ${notAgain}: it may still be applied.`,
      {
        cause: lost,
        readBack: readBackOf(read),
      },
    );
  }

  const second = await sendOnce(change, followUp, sends);
  if (second.ok) return { ...second.value, confirmedByReadBack: false, attempts: 2 };
  return settleSecondAttempt(client, change, followUp, second.failure, read);
}

async function settleSecondAttempt<T>(
  client: OpsManagerClient,
  change: ChangeSpec<T>,
  call: CallContext,
  failure: GatewayError,
  firstRead: ReadBackResult,
): Promise<Completed<T>> {
  const { desired } = change;
  if (failure instanceof OutcomeUnknownError) {
    await pause(client, call, 2);
    let read: ReadBackResult;
    try {
      read = await readBackTwice(client, change, call, 3);
    } catch (error) {
      throw new OutcomeUnknownError(
        `The change was sent twice and neither response came back; the first read of the project did not show it. ${readFailed(error)}`,
        { cause: failure, readBack: readBackOf(firstRead), attempts: 2 },
      );
    }
    if (read.state === 'applied')
      return { ...change.fromRead(read.invitation), confirmedByReadBack: true, attempts: 2 };
    if (read.state === 'concurrent') throw concurrent(read);
    throw new OutcomeUnknownError(
      'The change was sent twice and neither response came back; a read of the project afterwards did not show it (yet): it may still be applied. Read the invitation again before retrying.',
      { cause: failure, readBack: readBackOf(read), attempts: 2 },
    );
  }
  if (desired.kind === 'invited' && failure instanceof AlreadyExistsError) {
    // The first attempt arrived after the read, or someone else invited the address meanwhile:
    // the roles tell which.
    let read: ReadBackResult;
    try {
      read = await readBackTwice(client, change, call, 2);
    } catch (error) {
      throw new OutcomeUnknownError(
        `The change’s response was lost; sent again, Ops Manager refused it as a duplicate, and the project could not be read to tell whether the invitation is this change’s. ${readFailed(error)}`,
        { cause: failure, attempts: 2 },
      );
    }
    if (read.state === 'applied')
      return { ...change.fromRead(read.invitation), confirmedByReadBack: true, attempts: 2 };
    throw new AlreadyExistsError(failure.message, {
      upstreamErrorCode: failure.upstreamErrorCode,
      upstreamStatus: failure.upstreamStatus,
      readBack: readBackOf(read),
      cause: failure,
    });
  }
  if (desired.kind === 'gone' && failure instanceof NotFoundError && failure.code === ErrorCode.INVITATION_NOT_FOUND) {
    // The first delete arrived after the read: the invitation is gone, as asked.
    return { ...change.fromRead(null), confirmedByReadBack: false, attempts: 2 };
  }
  if (TRANSIENT.has(failure.code)) {
    // Refused before it left (circuit open, the operation ended while it waited for a slot): it
    // was not an attempt at Ops Manager, and the change stands as after the first one.
    const what = failure.notSent
      ? `it could not be sent again (${failure.code})`
      : `sent again it failed (${failure.code})`;
    throw new OutcomeUnknownError(
      `The change’s response was lost, a read did not show it (yet), and ${what}: the first attempt may still be applied. Read the invitation again before retrying.`,
      { cause: failure, readBack: readBackOf(firstRead), attempts: failure.notSent ? 1 : 2 },
    );
  }
  // A refusal the first attempt would have met too (bad input, forbidden, not found).
  throw failure;
}

/**
 * A pause before reading back, as the retry stage backs off (exponential from its base, equal
 * jitter; `step` 1 before the first read-back, 2 before the one after a second attempt): a change
 * whose response was lost may still be finishing, and failures come in bursts that a request made at
 * once tends to meet too. It ends early when the operation does, and is skipped when it would end
 * past the deadline.
 */
async function pause(client: OpsManagerClient, call: CallContext, step: number): Promise<void> {
  const { clock } = client;
  const exponential = Math.min(backoffTimings.maxDelayMs, backoffTimings.baseDelayMs * 2 ** step);
  const delay = (exponential / 2) * (1 + clock.random());
  if (call.deadlineAt !== undefined && clock.now() + delay >= call.deadlineAt) return;
  await clock.sleep(delay, call.signal).catch(() => undefined);
}

/**
 * Reads the change's project back; when the read fails, and the operation still has time and its
 * caller, reads once more after a backoff (`step` as in pause). A read changes nothing, and the
 * pipeline retries only what says "try later": an unreadable response or a hang meets the next read
 * rarely. Throws the last read's failure.
 */
async function readBackTwice<T>(
  client: OpsManagerClient,
  change: ChangeSpec<T>,
  call: CallContext,
  step: number,
): Promise<ReadBackResult> {
  try {
    return await readBack(client, change.projectId, change.desired, call);
  } catch (error) {
    if (whyNotSendAgain(call, client.clock.now()) !== undefined) throw error;
    await pause(client, call, step);
    return readBack(client, change.projectId, change.desired, call);
  }
}

/** Why the read-back did not settle it, for the error's message. */
function readFailed(error: unknown): string {
  const code = error instanceof GatewayError ? error.code : 'an unexpected failure';
  return `Reading the project afterwards failed (${code}), so whether it was applied is not known.`;
}

type Sent<T> = { ok: true; value: T } | { ok: false; failure: GatewayError };

/** Sends the change once, writing the status of its response (or its failure's code) into `sends`. */
async function sendOnce<T>(change: ChangeSpec<T>, call: CallContext, sends: ChangeSend[]): Promise<Sent<T>> {
  const send: ChangeSend = {};
  sends.push(send);
  try {
    return { ok: true, value: await change.send({ ...call, onAnswer: (status) => (send.status = status) }) };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    send.code = error.code;
    if (error.notSent) send.notSent = true;
    return { ok: false, failure: error };
  }
}

/** Why a change may not be sent again now, or undefined when it may: never past the deadline, never for a caller who left. */
function whyNotSendAgain(call: CallContext, now: number): string | undefined {
  if (call.signal?.aborted)
    return isDeadline(call.signal) ? 'the operation’s deadline had passed' : 'the caller had gone away';
  if (call.deadlineAt !== undefined && now >= call.deadlineAt) return 'the operation’s deadline had passed';
  return undefined;
}

function concurrent(read: ReadBackResult): ConcurrentChangeError {
  return new ConcurrentChangeError(
    'The change’s response was lost, and a read shows the invitation as another change left it (another invitation for this address, with other roles). It was not sent again; the invitation is as read.',
    { readBack: readBackOf(read) },
  );
}

function readBackOf(read: ReadBackResult): ReadBack {
  return { invitation: read.invitation };
}
