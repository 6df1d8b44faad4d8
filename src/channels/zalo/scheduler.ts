/**
 * @module channels/zalo/scheduler
 *
 * Starts background handling a task or a few per event-loop turn. Zalo needs its
 * 200 within ~2 s, and every webhook answer is cheap, while handling an event
 * (engine, database, a send) is not: if a burst of events all started their
 * handling in the same turn, the answers to the next deliveries would wait
 * behind all of it. Starting at most `perTurn` tasks per turn lets Node read
 * and answer new requests in between. One per turn measured best on a
 * 2-core VM (bench:zalo: same throughput as four per turn, a third of the
 * answer latency). It also keeps track of what is queued or running, so
 * shutdown and tests can wait for it.
 */
export class TurnScheduler {
  private readonly queue: (() => Promise<unknown>)[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private pumping = false;

  constructor(
    private readonly onError: (err: unknown) => void,
    private readonly perTurn = 1,
  ) {}

  /** Queues a task; it starts on a later event-loop turn, never inside the caller. */
  push(task: () => Promise<unknown>): void {
    this.queue.push(task);
    if (!this.pumping) {
      this.pumping = true;
      setImmediate(() => this.pump());
    }
  }

  private pump(): void {
    for (let i = 0; i < this.perTurn; i++) {
      const task = this.queue.shift();
      if (!task) break;
      const p = Promise.resolve()
        .then(task)
        .catch((err: unknown) => this.onError(err));
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    }
    if (this.queue.length > 0) setImmediate(() => this.pump());
    else this.pumping = false;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.queue.length + this.running.size;
  }

  /** Resolves once nothing is queued or running (including tasks queued meanwhile). */
  async idle(): Promise<void> {
    while (this.size > 0) {
      if (this.running.size > 0) await Promise.allSettled([...this.running]);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
