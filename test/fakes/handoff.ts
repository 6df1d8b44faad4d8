/**
 * An in-memory handoff store and handoff actions (core/stores/handoff.ts),
 * with the semantics the ports' JSDoc gives, so the console's tests run
 * without the SQLite store or the outbox: a hamlet scope sees only its
 * hamlet's threads, the inbox lists open threads first and newest activity
 * first, a staff reply starts 'pending' and resets the unread count, and a
 * reply asking for an OTP or a password, or linking outside a small
 * allow-list, needs `confirmed: true`. The real checks are the handoff
 * service's; these are deliberately simple.
 */
import type {
  HandoffActions,
  HandoffAuthor,
  HandoffDelivery,
  HandoffMessage,
  HandoffScope,
  HandoffStatus,
  HandoffStore,
  HandoffThread,
  OpenThreadInput,
  ReplyCheck,
  StaffReplyResult,
} from '../../src/core/stores/handoff.js';
import type { Clock } from '../../src/core/ports.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const FAKE_ALLOWED_HOSTS = ['dichvucong.gov.vn'];
const MAX_TEXT = 2000;

function visible(thread: HandoffThread, scope: HandoffScope): boolean {
  return scope.kind === 'commune' || thread.hamletId === scope.hamletId;
}

export class MemoryHandoffStore implements HandoffStore {
  readonly threads = new Map<number, Mutable<HandoffThread>>();
  readonly log: Mutable<HandoffMessage>[] = [];
  private nextThread = 1;
  private nextMessage = 1;

  openThreadOf(channel: string, userId: string): HandoffThread | undefined {
    return [...this.threads.values()].find((t) => t.channel === channel && t.userId === userId && t.status === 'open');
  }

  open(input: OpenThreadInput): HandoffThread {
    const existing = this.openThreadOf(input.channel, input.userId);
    if (existing) return existing;
    const at = input.at.toISOString();
    const thread: Mutable<HandoffThread> = {
      id: this.nextThread++,
      channel: input.channel,
      userId: input.userId,
      status: 'open',
      reason: input.reason,
      openedAt: at,
      lastAt: at,
      unread: 0,
      ...(input.citizenId !== undefined && { citizenId: input.citizenId }),
      ...(input.hamletId !== undefined && { hamletId: input.hamletId }),
      ...(input.suspendedQuiz !== undefined && { suspendedQuiz: input.suspendedQuiz }),
    };
    this.threads.set(thread.id, thread);
    return { ...thread };
  }

  append(
    threadId: number,
    m: { author: HandoffAuthor; text: string; staffId?: string; outboxId?: number; at: Date },
  ): HandoffMessage {
    const thread = this.threads.get(threadId);
    if (!thread) throw new Error(`no thread ${threadId}`);
    const message: Mutable<HandoffMessage> = {
      id: this.nextMessage++,
      threadId,
      author: m.author,
      text: m.text,
      at: m.at.toISOString(),
      delivery: m.author === 'staff' ? 'pending' : 'none',
      ...(m.staffId !== undefined && { staffId: m.staffId }),
      ...(m.outboxId !== undefined && { outboxId: m.outboxId }),
    };
    this.log.push(message);
    thread.lastAt = message.at;
    if (m.author === 'resident') thread.unread += 1;
    if (m.author === 'staff') thread.unread = 0;
    return { ...message };
  }

  close(threadId: number, _staffId: string, at: Date): void {
    const thread = this.threads.get(threadId);
    if (!thread) return;
    thread.status = 'closed';
    thread.closedAt = at.toISOString();
  }

  assign(threadId: number, staffId: string): void {
    const thread = this.threads.get(threadId);
    if (thread) thread.assigneeId = staffId;
  }

  get(threadId: number, scope: HandoffScope): HandoffThread | undefined {
    const thread = this.threads.get(threadId);
    return thread && visible(thread, scope) ? { ...thread } : undefined;
  }

  list(scope: HandoffScope, filter: { status?: HandoffStatus; limit: number }): readonly HandoffThread[] {
    return [...this.threads.values()]
      .filter((t) => visible(t, scope) && (filter.status === undefined || t.status === filter.status))
      .sort((a, b) =>
        a.status !== b.status ? (a.status === 'open' ? -1 : 1) : b.lastAt.localeCompare(a.lastAt) || b.id - a.id,
      )
      .slice(0, filter.limit)
      .map((t) => ({ ...t }));
  }

  residentWrote(threadId: number): boolean {
    return this.log.some((m) => m.threadId === threadId && m.author === 'resident');
  }

  messages(threadId: number, afterId: number, limit: number): readonly HandoffMessage[] {
    return this.log
      .filter((m) => m.threadId === threadId && m.id > afterId)
      .slice(0, limit)
      .map((m) => ({ ...m }));
  }

  since(scope: HandoffScope, afterId: number, limit: number): readonly HandoffMessage[] {
    return this.log
      .filter((m) => {
        const t = this.threads.get(m.threadId);
        return m.id > afterId && t !== undefined && visible(t, scope);
      })
      .slice(0, limit)
      .map((m) => ({ ...m }));
  }

  headId(): number {
    return this.log.reduce((max, m) => Math.max(max, m.id), 0);
  }

  refreshDelivery(_threadId: number): void {
    // The fake's delivery states change only through deliver().
  }

  forget(channel: string, userId: string): void {
    for (const [id, t] of this.threads) {
      if (t.channel !== channel || t.userId !== userId) continue;
      this.threads.delete(id);
      for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i]?.threadId === id) this.log.splice(i, 1);
    }
  }

  /** Test hook: what the outbox would report for a staff reply. */
  deliver(messageId: number, state: HandoffDelivery): void {
    const m = this.log.find((x) => x.id === messageId);
    if (m) m.delivery = state;
  }
}

/** What a reply needs a second confirmation for, by simple patterns (the real service's checks are its own). */
export function fakeChecks(text: string): ReplyCheck[] {
  const out: ReplyCheck[] = [];
  if (/\botp\b|mã xác (thực|nhận)/i.test(text)) out.push('otp');
  if (/mật khẩu|password/i.test(text)) out.push('password');
  for (const m of text.matchAll(/https?:\/\/([^/\s]+)/gi)) {
    const host = (m[1] ?? '').toLowerCase().replace(/^www\./, '');
    if (!FAKE_ALLOWED_HOSTS.some((h) => host === h || host.endsWith(`.${h}`))) {
      out.push('link');
      break;
    }
  }
  return out;
}

export class MemoryHandoffActions implements HandoffActions {
  /** Every call, in order, for assertions. */
  readonly calls: { kind: 'reply' | 'note' | 'close'; threadId: number; staffId: string; confirmed?: boolean }[] = [];

  constructor(
    private readonly store: MemoryHandoffStore,
    private readonly clock: Clock,
  ) {}

  private write(
    author: 'staff' | 'note',
    threadId: number,
    scope: HandoffScope,
    staffId: string,
    text: string,
    confirmed: boolean,
  ): StaffReplyResult {
    const thread = this.store.get(threadId, scope);
    if (!thread) return { ok: false, error: 'not-found' };
    if (thread.status === 'closed') return { ok: false, error: 'closed' };
    const clean = text.trim();
    if (clean.length === 0) return { ok: false, error: 'empty' };
    if (clean.length > MAX_TEXT) return { ok: false, error: 'too-long' };
    if (author === 'staff' && !confirmed) {
      const checks = fakeChecks(clean);
      if (checks.length > 0) return { ok: false, needsConfirmation: checks };
    }
    if (thread.assigneeId === undefined) this.store.assign(threadId, staffId);
    return { ok: true, message: this.store.append(threadId, { author, text: clean, staffId, at: this.clock.now() }) };
  }

  reply(
    threadId: number,
    scope: HandoffScope,
    staffId: string,
    text: string,
    options: { readonly confirmed: boolean },
  ): Promise<StaffReplyResult> {
    this.calls.push({ kind: 'reply', threadId, staffId, confirmed: options.confirmed });
    return Promise.resolve(this.write('staff', threadId, scope, staffId, text, options.confirmed));
  }

  note(threadId: number, scope: HandoffScope, staffId: string, text: string): Promise<StaffReplyResult> {
    this.calls.push({ kind: 'note', threadId, staffId });
    return Promise.resolve(this.write('note', threadId, scope, staffId, text, true));
  }

  close(threadId: number, scope: HandoffScope, staffId: string): Promise<boolean> {
    this.calls.push({ kind: 'close', threadId, staffId });
    const thread = this.store.get(threadId, scope);
    if (!thread || thread.status === 'closed') return Promise.resolve(false);
    this.store.close(threadId, staffId, this.clock.now());
    return Promise.resolve(true);
  }
}
