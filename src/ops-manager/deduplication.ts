import DataLoader from 'dataloader';
import { abandoned, abortedBeforeSending, asGatewayError } from '../errors/upstream.ts';
import { onAbort } from '../operation-deadline.ts';
import type { Invitation } from '../invitation.ts';
import type { CallContext, OpsManagerClient } from './client.ts';

/**
 * Deduplication of the one read there is, a project's pending invitations, cleared by `changed(projectId)` when a
 * change to the project is over (answered or not): within an operation, a DataLoader of its own (one GET per distinct
 * project, whatever aliases and filters ask); across operations, `SharedReads` (identical reads in flight share one
 * GET; no cache, so nothing is served stale by age). Changes, and the reads that check them, are never deduplicated.
 */
export interface Deduplication {
  invitations(projectId: string): Promise<Invitation[]>;
  /** A change to the project is over: later reads start their own GET. */
  changed(projectId: string): void;
}

export function createDeduplication(client: OpsManagerClient, context: CallContext): Deduplication {
  const shared = client.sharedReads;
  const read = (projectId: string): Promise<Invitation[]> =>
    shared
      ? shared.read(projectId, client.credentials, context, (options) => client.listInvitations(projectId, options))
      : client.listInvitations(projectId, context);
  // Ops Manager lists one project per call, so the batch fans out one GET per key; the contract
  // holds: one value or Error per key, in key order, and a failing project fails only its key.
  const loader = new DataLoader<string, Invitation[]>(
    (projectIds) => {
      client.observer.batch?.(projectIds.length);
      return Promise.all(projectIds.map((projectId) => read(projectId).catch(asGatewayError)));
    },
    { maxBatchSize: 100 },
  );
  return {
    invitations: (projectId) => loader.load(projectId),
    changed(projectId) {
      loader.clear(projectId);
      shared?.changed(projectId);
    },
  };
}

interface SharedRead {
  readonly promise: Promise<Invitation[]>;
  readonly controller: AbortController;
  readers: number;
}

/**
 * Identical reads in flight at once, across operations, by credentials (Ops Manager answers each key by its own
 * permissions): one GET, run under the first reader's deadline, request id and caller. A reader who leaves gets its own
 * error at once; the GET is aborted only when every reader has left.
 */
export class SharedReads {
  readonly #byProject = new Map<string, Map<string, SharedRead>>();
  #joined = 0;

  /** Reads that joined a GET already in flight instead of sending their own, since the start. */
  get joined(): number {
    return this.#joined;
  }

  read(
    projectId: string,
    credentials: string,
    context: CallContext,
    read: (context: CallContext) => Promise<Invitation[]>,
  ): Promise<Invitation[]> {
    if (context.signal?.aborted) return Promise.reject(abortedBeforeSending(context.signal));
    const project = projectId.toLowerCase();
    const reads = this.#byProject.get(project) ?? new Map<string, SharedRead>();
    let shared = reads.get(credentials);
    if (shared === undefined) {
      const { deadlineAt, requestId, caller } = context;
      const controller = new AbortController();
      const promise = read({ signal: controller.signal, deadlineAt, requestId, caller });
      const entry: SharedRead = { controller, readers: 0, promise };
      shared = entry;
      this.#byProject.set(project, reads.set(credentials, entry));
      // Forgotten when its GET is over, unless a newer GET took the key since (after a change).
      const forget = () => {
        if (this.#byProject.get(project)?.get(credentials) !== entry) return;
        reads.delete(credentials);
        if (reads.size === 0) this.#byProject.delete(project);
      };
      entry.promise.then(forget, forget);
    } else {
      this.#joined += 1;
    }
    return join(shared, context.signal);
  }

  /** A change to this project is over: reads from now on do not join the GETs in flight, under any key. */
  changed(projectId: string): void {
    this.#byProject.delete(projectId.toLowerCase());
  }
}

function join(shared: SharedRead, signal: AbortSignal | undefined): Promise<Invitation[]> {
  shared.readers += 1;
  if (signal === undefined) return shared.promise;
  return new Promise((resolve, reject) => {
    const stopWatching = onAbort(signal, () => {
      shared.readers -= 1;
      if (shared.readers === 0) shared.controller.abort(signal.reason);
      reject(abandoned(signal));
    });
    shared.promise.finally(stopWatching).then(resolve, reject);
  });
}
