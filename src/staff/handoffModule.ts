/**
 * @module staff/handoffModule
 *
 * "Hỏi cán bộ" in the staff console (issue 18 item 6): the conversations
 * residents handed to a person, the replies and notes staff write, "Xong",
 * and turning a good reply into an FAQ entry. Routes, relative to `/staff`,
 * behind the front door (session checked; CSRF checked on every POST):
 *
 * | route | what |
 * |---|---|
 * | `GET /hoi-dap` | inbox: open first, newest activity first |
 * | `GET /hoi-dap/:id` | one conversation, its forms |
 * | `GET /hoi-dap/:id/tin-nhan?sau=` | its messages as JSON (delivery states refreshed) |
 * | `GET /hoi-dap/events?sau=` | live feed (server-sent events, handoffEvents.ts) |
 * | `POST /hoi-dap/:id/tra-loi`, `/ghi-chu`, `/xong` | reply (with "Vẫn gửi"), private note, close |
 * | `POST /hoi-dap/:id/faq` | save a staff reply as an FAQ entry (admins, learning-loop rules) |
 *
 * Everything is scoped by `communeScopeOf(principal)`: a hamlet team's list holds
 * only its hamlet's threads and any other thread answers 404, exactly as a
 * thread that does not exist. The module also counts the open threads for
 * the navigation bar of every console page (`c.get('handoffOpen')`), so it
 * should be mounted before the other modules. Audit lines carry ids and
 * lengths, never message text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import type { Clock } from '../core/ports.js';
import type { NamedItem } from '../core/registry/types.js';
import type { HandoffActions, HandoffStore, HandoffThread } from '../core/stores/handoff.js';
import type { Logger } from '../logger.js';
import { isConsoleRef } from '../rag/consoleFaq.js';
import { consoleStylesheet } from './consoleCss.js';
import { consoleNavHtml } from './consoleNav.js';
import type { FaqApprovalDeps } from './faqApproval.js';
import { DEFAULT_TIMING, liveFeed, messageEvent, openCount, type LiveFeedTiming } from './handoffEvents.js';
import { handoffErrorPage, HANDOFF_PATH, inboxPage, threadPage, threadView, type ThreadData } from './handoffPage.js';
import { saveReplyAsFaq } from './handoffFaq.js';
import {
  AfterSchema,
  firstProblem,
  MAX_HANDOFF_TEXT,
  NoteSchema,
  ReplySchema,
  ThreadIdSchema,
} from './handoffSchemas.js';
import { communeScopeOf, type AuditLog, type StaffEnv, type StaffModule } from './types.js';

export interface HandoffModuleDeps {
  readonly store: HandoffStore;
  readonly actions: HandoffActions;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** What saving a reply as an FAQ entry needs from the learning loop (services.consoleFaq, services.index, publishConsoleFaq). */
  readonly learning: Omit<FaqApprovalDeps, 'audit' | 'clock'>;
  /** The commune's hamlets, read on every request (names for the inbox). */
  readonly hamlets: () => readonly NamedItem[];
  readonly logger?: Logger;
  /** The live feed's poll and heartbeat periods (tests shorten them). */
  readonly timing?: Partial<LiveFeedTiming>;
}

/** Threads on the inbox page: more than a commune's staff work through at once. */
const INBOX_LIMIT = 200;
/** Messages shown of one thread. */
const THREAD_MESSAGES = 1000;

const NOTICES: Readonly<Record<string, string>> = {
  faq: 'Đã lưu thành câu hỏi thường gặp; trợ lý dùng ngay từ câu hỏi tiếp theo.',
  xong: 'Đã trả cuộc trò chuyện lại cho trợ lý.',
};

const REPLY_ERRORS = {
  closed: 'Cuộc trò chuyện này đã xong nên không gửi thêm được. Nội dung anh/chị vừa viết vẫn còn bên dưới.',
  empty: 'Hãy nhập nội dung tin nhắn.',
  'too-long': `Tin nhắn quá dài (tối đa ${MAX_HANDOFF_TEXT} ký tự).`,
} as const;

const NOT_FOUND = {
  title: 'Không tìm thấy cuộc trò chuyện',
  text: 'Cuộc trò chuyện này không có hoặc không thuộc xóm/khối của tài khoản anh/chị.',
};

/** A form's fields as strings (a file field becomes ''); a JSON body as it is. */
async function fieldsOf(c: Context<StaffEnv>): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      const body: unknown = await c.req.json();
      if (body && typeof body === 'object') {
        return Object.fromEntries(
          Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]),
        );
      }
    } catch {
      // An unreadable body is an empty form: the schema names what is missing.
    }
    return {};
  }
  const form = await c.req.parseBody();
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

export function createHandoffModule(deps: HandoffModuleDeps): StaffModule {
  const style = consoleStylesheet('handoff.css');
  const script = readFileSync(fileURLToPath(new URL('./public/handoff.js', import.meta.url)), 'utf8');
  const timing: LiveFeedTiming = { ...DEFAULT_TIMING, ...deps.timing };
  const faqDeps: FaqApprovalDeps = { ...deps.learning, audit: deps.audit, clock: deps.clock };

  function hamletName(id: string | undefined): string {
    if (id === undefined) return 'Chung của xã';
    return deps.hamlets().find((h) => h.id === id)?.name ?? id;
  }

  function nav(c: Context<StaffEnv>) {
    return consoleNavHtml({
      principal: c.get('staff'),
      csrfToken: c.get('csrfToken'),
      current: 'handoff',
      handoffOpen: c.get('handoffOpen') ?? openCount(deps.store, communeScopeOf(c.get('staff'))),
    });
  }

  function notFound(c: Context<StaffEnv>): Response | Promise<Response> {
    return c.html(handoffErrorPage(NOT_FOUND.title, NOT_FOUND.text, nav(c)), 404);
  }

  /** The thread named in the path, if this principal may see it. */
  function threadOf(c: Context<StaffEnv>): HandoffThread | undefined {
    const id = ThreadIdSchema.safeParse(c.req.param('id'));
    return id.success ? deps.store.get(id.data, communeScopeOf(c.get('staff'))) : undefined;
  }

  function documents(): { ref: string; title: string }[] {
    return deps.learning.index
      .documents()
      .filter((d) => d.kind === 'doc' && !isConsoleRef(d.ref))
      .map((d) => ({ ref: d.ref, title: d.title }));
  }

  function renderThread(
    c: Context<StaffEnv>,
    thread: HandoffThread,
    extra: Partial<Pick<ThreadData, 'notice' | 'error' | 'reply' | 'note' | 'faq'>> = {},
    status: 200 | 400 | 403 | 404 | 409 = 200,
  ): Response | Promise<Response> {
    const staff = c.get('staff');
    // The head first: a message written while the page is read comes again in the feed (the script drops duplicates).
    const after = deps.store.headId();
    deps.store.refreshDelivery(thread.id);
    const canFaq = staff.role === 'admin';
    c.header('Cache-Control', 'no-store');
    return c.html(
      threadPage({
        thread: threadView(thread, hamletName),
        messages: deps.store.messages(thread.id, 0, THREAD_MESSAGES),
        after,
        csrfToken: c.get('csrfToken'),
        nav: nav(c),
        canFaq,
        documents: canFaq ? documents() : [],
        ...(thread.closedAt !== undefined && { closedAt: thread.closedAt }),
        ...extra,
      }),
      status,
    );
  }

  return (router: Hono<StaffEnv>) => {
    // The bar's count on every console page mounted after this module.
    router.use('*', async (c, next) => {
      // A province account sees no commune's threads (its pages show no "Hỏi cán bộ" link).
      const staff = c.get('staff');
      if (staff.role !== 'province' && c.req.method === 'GET' && !/\.(css|js)$|\/(events|tin-nhan)$/.test(c.req.path)) {
        c.set('handoffOpen', openCount(deps.store, communeScopeOf(staff)));
      }
      await next();
    });

    router.get('/hoi-dap/handoff.css', (c) => {
      c.header('Content-Type', 'text/css; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(style);
    });

    router.get('/hoi-dap/handoff.js', (c) => {
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(script);
    });

    router.get('/hoi-dap', (c) => {
      const staff = c.get('staff');
      const scope = communeScopeOf(staff);
      const after = deps.store.headId();
      const threads = deps.store.list(scope, { limit: INBOX_LIMIT }).map((t) => threadView(t, hamletName));
      const done = c.req.query('xong');
      c.header('Cache-Control', 'no-store');
      const page = inboxPage({
        threads,
        after,
        nav: nav(c),
        scopeText: scope.kind === 'commune' ? 'toàn xã' : hamletName(scope.hamletId),
        ...(done === '1' && { notice: NOTICES.xong }),
      });
      return c.html(page);
    });

    router.get('/hoi-dap/events', (c) => {
      const scope = communeScopeOf(c.get('staff'));
      const raw = c.req.header('last-event-id') ?? c.req.query('sau');
      let after: number;
      if (raw === undefined || raw === '') after = deps.store.headId();
      else {
        const parsed = AfterSchema.safeParse(raw);
        if (!parsed.success) return c.json({ error: firstProblem(parsed.error) }, 400);
        after = parsed.data;
      }
      return liveFeed(c, {
        store: deps.store,
        scope,
        after,
        hamletName,
        timing,
        ...(deps.logger !== undefined && { logger: deps.logger }),
      });
    });

    router.get('/hoi-dap/:id{[0-9]+}', (c) => {
      const thread = threadOf(c);
      if (!thread) return notFound(c);
      const done = c.req.query('xong');
      const notice = done !== undefined ? NOTICES[done] : undefined;
      return renderThread(c, thread, notice !== undefined ? { notice } : {});
    });

    router.get('/hoi-dap/:id{[0-9]+}/tin-nhan', (c) => {
      const thread = threadOf(c);
      if (!thread) return c.json({ error: NOT_FOUND.text }, 404);
      const sau = AfterSchema.safeParse(c.req.query('sau') ?? '0');
      if (!sau.success) return c.json({ error: firstProblem(sau.error) }, 400);
      deps.store.refreshDelivery(thread.id);
      c.header('Cache-Control', 'no-store');
      return c.json({
        thread: thread.id,
        open: thread.status === 'open',
        messages: deps.store.messages(thread.id, sau.data, THREAD_MESSAGES).map(messageEvent),
      });
    });

    router.post('/hoi-dap/:id{[0-9]+}/tra-loi', async (c) => {
      const thread = threadOf(c);
      if (!thread) return notFound(c);
      const fields = await fieldsOf(c);
      const typed = fields.text ?? '';
      const input = ReplySchema.safeParse(fields);
      if (!input.success)
        return renderThread(c, thread, { reply: { text: typed, error: firstProblem(input.error) } }, 400);
      const staff = c.get('staff');
      const { text, confirmed } = input.data;
      const result = deps.actions.reply(thread.id, communeScopeOf(staff), staff.id, text, { confirmed });
      if (result.ok) {
        deps.audit.record({
          actorId: staff.id,
          action: 'handoff.reply',
          target: String(thread.id),
          details: { message: result.message.id, length: text.length, confirmed },
        });
        return c.redirect(`${HANDOFF_PATH}/${thread.id}#m${result.message.id}`, 303);
      }
      if ('needsConfirmation' in result) {
        return renderThread(c, thread, { reply: { text, checks: result.needsConfirmation } });
      }
      if (result.error === 'not-found') return notFound(c);
      const status = result.error === 'closed' ? 409 : 400;
      return renderThread(c, thread, { reply: { text, error: REPLY_ERRORS[result.error] } }, status);
    });

    router.post('/hoi-dap/:id{[0-9]+}/ghi-chu', async (c) => {
      const thread = threadOf(c);
      if (!thread) return notFound(c);
      const fields = await fieldsOf(c);
      const typed = fields.text ?? '';
      const input = NoteSchema.safeParse(fields);
      if (!input.success)
        return renderThread(c, thread, { note: { text: typed, error: firstProblem(input.error) } }, 400);
      const staff = c.get('staff');
      const result = deps.actions.note(thread.id, communeScopeOf(staff), staff.id, input.data.text);
      if (result.ok) {
        deps.audit.record({
          actorId: staff.id,
          action: 'handoff.note',
          target: String(thread.id),
          details: { message: result.message.id, length: input.data.text.length },
        });
        return c.redirect(`${HANDOFF_PATH}/${thread.id}#m${result.message.id}`, 303);
      }
      if ('needsConfirmation' in result) {
        // A note is never sent: nothing to confirm. Kept as typed, should a service ask anyway.
        return renderThread(c, thread, { note: { text: input.data.text, error: 'Chưa lưu được ghi chú.' } }, 409);
      }
      if (result.error === 'not-found') return notFound(c);
      const status = result.error === 'closed' ? 409 : 400;
      return renderThread(c, thread, { note: { text: input.data.text, error: REPLY_ERRORS[result.error] } }, status);
    });

    router.post('/hoi-dap/:id{[0-9]+}/xong', (c) => {
      const thread = threadOf(c);
      if (!thread) return notFound(c);
      const staff = c.get('staff');
      if (!deps.actions.close(thread.id, communeScopeOf(staff), staff.id)) {
        return renderThread(c, thread, { error: 'Cuộc trò chuyện này đã xong từ trước.' }, 409);
      }
      deps.audit.record({ actorId: staff.id, action: 'handoff.close', target: String(thread.id) });
      return c.redirect(`${HANDOFF_PATH}?xong=1`, 303);
    });

    router.post('/hoi-dap/:id{[0-9]+}/faq', async (c) => {
      const thread = threadOf(c);
      if (!thread) return notFound(c);
      const staff = c.get('staff');
      // Refused before the form is read, as in the learning loop: only the commune's admins change what the bot says.
      if (staff.role !== 'admin') {
        return c.html(
          handoffErrorPage(
            'Không lưu được',
            'Chỉ quản trị viên của xã được đưa câu trả lời vào câu hỏi thường gặp.',
            nav(c),
          ),
          403,
        );
      }
      const fields = await fieldsOf(c);
      const saved = await saveReplyAsFaq({ store: deps.store, approval: faqDeps }, thread, fields, staff);
      if (!saved.ok) {
        const faq = { messageId: Number(fields.messageId), values: fields, error: saved.error };
        return renderThread(c, thread, { faq }, saved.status);
      }
      return c.redirect(`${HANDOFF_PATH}/${thread.id}?xong=faq#m${saved.messageId}`, 303);
    });
  };
}
