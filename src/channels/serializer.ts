/**
 * @module channels/serializer
 *
 * Runs tasks with the same key one after another (and different keys in
 * parallel). A resident who double-taps a button or sends two messages at once
 * must not have both turns read the same conversation state and overwrite each
 * other's result.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Number of keys with work queued (for tests and metrics). */
  get pending(): number {
    return this.tails.size;
  }
}
