import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the HTTP requests one logical upstream call costs (its Digest challenge and
 * retries included). The client runs each call in a store; the pooled transport, far
 * below it, adds one per request sent. AsyncLocalStorage carries the store through the
 * Digest client without that client knowing about it.
 */
const current = new AsyncLocalStorage<{ roundTrips: number }>();

export function countingRoundTrips<T>(store: { roundTrips: number }, call: () => Promise<T>): Promise<T> {
  return current.run(store, call);
}

export function countRoundTrip(): void {
  const store = current.getStore();
  if (store) store.roundTrips += 1;
}
