/**
 * One 'abort' listener per signal, however many waiters it has: an operation over 100 projects
 * has 100 reads and attempts waiting on its signal, and a listener each would trip Node's leak
 * warning at 11 (AbortSignal.any avoids listeners, but costs a composite signal, weak references
 * and its GC per attempt). Returns the function that stops watching.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (callbacks === undefined) {
    const all = new Set<() => void>();
    callbacks = all;
    waiting.set(signal, all);
    signal.addEventListener(
      'abort',
      () => {
        for (const each of all) each();
        all.clear();
      },
      { once: true },
    );
  }
  const mine = callbacks;
  mine.add(callback);
  return () => mine.delete(callback);
}
