/**
 * @module storage/pg/slots
 *
 * At most N holders at once, the rest wait in arrival order. The PostgreSQL
 * turn runner holds a pooled connection for the whole turn, engine included,
 * while the engine's own stores need connections from the same pool: if every
 * connection were held by a turn, those stores would wait for a connection
 * that only their own turn could free. Limiting the turns to fewer than the
 * pool's connections keeps some for them.
 */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!(Number.isInteger(size) && size > 0)) throw new Error(`slots: size must be a positive integer, not ${size}`);
  }

  /** Runs `fn` once a slot is free, and frees it when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.used < this.size) this.used++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so `used` does not change.
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    }
  }
}
