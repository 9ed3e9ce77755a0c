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
    callbacks = new Set();
    waiting.set(signal, callbacks);
    signal.addEventListener('abort', callAll(callbacks), { once: true });
  }
  const mine = callbacks;
  mine.add(callback);
  return () => mine.delete(callback);
}

/**
 * The signal's one listener, made apart from onAbort's scope: a closure made there would share
 * its scope with the first waiter's `callback`, and the signal would keep that waiter (and what it
 * reaches: a read's promise, its parsed answer) for as long as the signal lives, long after it
 * stopped watching.
 */
function callAll(callbacks: Set<() => void>): () => void {
  return () => {
    for (const each of callbacks) each();
    callbacks.clear();
  };
}
