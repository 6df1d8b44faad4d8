/**
 * @module core/qa/bounded
 *
 * A model call that cannot outlive the answer's deadline: a model (or a
 * stream) that ignores the abort signal still cannot hold a resident waiting.
 */

/** Thrown by `bounded` when the deadline passes first. */
export class DeadlinePassed extends Error {}

/** The promise, or a rejection as soon as the signal aborts (a model that ignores the signal cannot hold us). */
export function bounded<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new DeadlinePassed());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DeadlinePassed());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
