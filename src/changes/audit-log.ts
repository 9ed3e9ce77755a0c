import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';
import { type LogDestination, stdoutDestination, streamDestination } from '../log-destination.ts';
import { callerScope } from '../idempotency/key.ts';
import type { Caller } from '../auth/caller.ts';
import { type ChangeAttempt, type ChangeJournal, createJournal } from './attempts.ts';

/**
 * The audit trail: one JSON line per change attempt, on its own channel (`"channel":"audit"`),
 * whatever LOG_LEVEL says. It names who (the token's subject, or the hash of a passthrough
 * key: never a key), what (action, project, invitation, roles asked), how it ended (the result
 * member, its code, Ops Manager's status) and how to find the rest (request id, idempotency key).
 */
export interface AuditLog {
  write(line: AuditLine): void;
}

export interface AuditLine extends ChangeAttempt {
  caller: string;
  requestId: string;
  idempotencyKey: string | undefined;
}

/** `AUDIT_LOG`: stdout, off, or a file path (appended to; created with its folder). */
export type AuditDestination = 'stdout' | 'off' | { file: string };

export function createAuditLog(destination: AuditDestination | DestinationStream): AuditLog | undefined {
  if (destination === 'off') return undefined;
  // Never pino's own destination: its exit-time flush can spin on a failed write (see
  // log-destination.ts). A file that fails (a full disk) drops lines, reported once on stderr.
  const stream =
    destination === 'stdout'
      ? stdoutDestination()
      : 'file' in destination
        ? fileDestination(destination.file)
        : destination;
  const logger: Logger = pino(
    { level: 'info', base: { service: 'ops-manager-invitations-gateway', channel: 'audit' } },
    stream,
  );
  return { write: (line) => logger.info(line, 'change attempt') };
}

/** One operation's journal: keeps its attempts (for the idempotency plugin) and audits each. */
export function createChangeJournal(options: {
  audit: AuditLog | undefined;
  caller: Caller;
  requestId: string;
  idempotencyKey: () => string | undefined;
}): ChangeJournal {
  return createJournal((attempt) =>
    options.audit?.write({
      ...attempt,
      caller: callerScope(options.caller),
      requestId: options.requestId,
      idempotencyKey: options.idempotencyKey(),
    }),
  );
}

function fileDestination(file: string): LogDestination {
  mkdirSync(dirname(file), { recursive: true });
  return streamDestination(createWriteStream(file, { flags: 'a' }), (error) => {
    process.stderr.write(
      `Audit log file failed (${(error as NodeJS.ErrnoException).code ?? error.message}): audit lines are dropped from now on\n`,
    );
  });
}
