/**
 * @module core/handoff/routes
 *
 * How a staff reply reaches a resident on their channel: each running channel
 * registers a route at start-up (the composition root does it), made of its
 * own outbox and its own rendering, so a staff reply is queued exactly like
 * a bot reply and delivered by the same dispatcher with the same rules (the
 * Zalo window, retries, "sent" only once the platform accepted it). The web
 * has no flush: its next answer or poll carries what is owed.
 */
import type { OutgoingReply } from '../messages.js';

export interface ReplyRoute {
  /** Queues the replies for the resident; joins the caller's transaction; the outbox ids, in order. */
  queue(userId: string, replies: readonly OutgoingReply[], at: Date): readonly number[];
  /**
   * The outbox payloads `queue` would store, for a writer that inserts the
   * rows in a transaction of its own (PostgreSQL: storage/pg/pgHandoffWriter.ts).
   * A route without it cannot carry a staff reply on PostgreSQL.
   */
  render?(userId: string, replies: readonly OutgoingReply[]): readonly unknown[];
  /** Starts delivering what is queued for the resident (after the commit). */
  flush?(userId: string): Promise<void>;
}

/** The routes by channel name ('web', 'telegram', 'zalo'). */
export class ReplyRoutes {
  private readonly routes = new Map<string, ReplyRoute>();

  register(channel: string, route: ReplyRoute): void {
    this.routes.set(channel, route);
  }

  get(channel: string): ReplyRoute | undefined {
    return this.routes.get(channel);
  }
}

/** Where staff hear of a new thread (the optional Telegram staff group); called inside the opening's commit. */
export type StaffNotice = (text: string, at: Date) => void;

/**
 * The same sink as outbox rows, for a writer that inserts them in its own
 * transaction (PostgreSQL: storage/pg/pgStaffNotices.ts), as `ReplyRoute.render`
 * is for replies: on which channel, for which chat, and the payloads.
 */
export interface StaffNoticeRows {
  readonly channel: string;
  readonly userId: string;
  render(text: string): readonly unknown[];
}

/** The sinks of new-thread notices; none by default. */
export class StaffNotices {
  private readonly sinks: StaffNotice[] = [];
  private readonly rowSinks: StaffNoticeRows[] = [];

  /** `rows`: the sink's outbox rows, without which it stays silent on PostgreSQL. */
  register(sink: StaffNotice, rows?: StaffNoticeRows): void {
    this.sinks.push(sink);
    if (rows) this.rowSinks.push(rows);
  }

  notify(text: string, at: Date): void {
    for (const sink of this.sinks) sink(text, at);
  }

  /** The sinks that can be written as outbox rows, as registered so far. */
  rows(): readonly StaffNoticeRows[] {
    return [...this.rowSinks];
  }
}
