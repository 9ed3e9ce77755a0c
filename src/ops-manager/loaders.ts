import DataLoader from 'dataloader';
import type { CallOptions, OpsManagerClient } from './client.ts';
import type { Invitation } from './schemas.ts';

export interface Loaders {
  /**
   * All pending invitations of a project, by project id: one upstream GET per distinct
   * project per operation. Every read path (the list, the username filter, one
   * invitation by id) is served from it, so aliases and filters never add calls.
   */
  invitationsByProject: DataLoader<string, Invitation[]>;
}

/**
 * Loaders live for one GraphQL operation (created in the context factory), so a cached
 * answer never leaks from one caller or one operation to the next.
 *
 * Ops Manager has no call that lists several projects at once, so the batch function
 * fans out one GET per key; what batching buys here is deduplication across the whole
 * operation. The batch contract holds: one value or Error per key, in key order, and a
 * failing project fails only its own key.
 */
export function createLoaders(client: OpsManagerClient, call: CallOptions = {}): Loaders {
  return {
    invitationsByProject: new DataLoader<string, Invitation[]>(
      (projectIds) => {
        client.observer.batch?.(projectIds.length);
        return Promise.all(
          projectIds.map((projectId) =>
            client.listInvitations(projectId, call).catch((error: unknown) => toError(error)),
          ),
        );
      },
      // A project id is a string already; the default cache is keyed by it.
      { maxBatchSize: 100 },
    ),
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
