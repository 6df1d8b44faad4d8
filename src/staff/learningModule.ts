/**
 * @module staff/learningModule
 *
 * The learning loop in the staff console (issue 17, item 6). Routes, relative
 * to `/staff`, behind the console's front door (which has already checked the
 * session and, on every POST, the CSRF token):
 *
 * | route | who |
 * |---|---|
 * | `GET /learning` (page), `GET /learning/learning.css` | any staff |
 * | `GET /api/learning/groups?state=open\|answered\|ignored&limit=` | any staff |
 * | `GET /api/learning/weekly?weeks=`, `GET /api/learning/entries/:id/revisions` | any staff |
 * | `POST /learning/flag` | any staff |
 * | `POST /learning/groups/:id/answer`, `/attach`, `/ignore`, `POST /learning/entries/:id/revert` | admin only |
 *
 * A hamlet team sees the same groups as the commune (questions carry no
 * hamlet and no person: only counts and masked wordings) and may flag a
 * question, but only an administrator of the commune changes what the
 * assistant says, so approving, ignoring and reverting answer 403 to them.
 *
 * Every POST takes a browser form (then answers with a redirect back to the
 * page, or a short Vietnamese error page) or JSON (then answers JSON).
 */
import { consoleStylesheet } from './consoleCss.js';
import { ADMIN_ONLY_MESSAGE } from './faqApproval.js';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { isConsoleRef } from '../rag/consoleFaq.js';
import { consoleNavHtml } from './consoleNav.js';
import { learningErrorPage, learningPage, LEARNING_PATH } from './learningPage.js';
import {
  AnswerSchema,
  AttachSchema,
  EntryIdSchema,
  firstProblem,
  FlagSchema,
  GroupIdSchema,
  GroupsQuerySchema,
  IgnoreSchema,
  RevertSchema,
  WeeklyQuerySchema,
} from './learningSchemas.js';
import { createLearningService, LearningError, type LearningServiceDeps } from './learningService.js';
import type { StaffEnv, StaffModule } from './types.js';

export type LearningModuleDeps = LearningServiceDeps;

/** Groups shown on the page, each with a retrieval run: enough for a working session. */
const PAGE_GROUPS = 30;

const NOTICES: Record<string, string> = {
  answered: 'Đã duyệt câu trả lời; trợ lý dùng ngay từ câu hỏi tiếp theo.',
  attached: 'Đã thêm các cách hỏi vào câu hỏi thường gặp.',
  ignored: 'Đã bỏ qua nhóm câu hỏi; câu hỏi giống vậy về sau cũng được ẩn.',
  flagged: 'Đã đánh dấu câu hỏi.',
  reverted: 'Đã hoàn tác; trợ lý dùng lại phiên bản trước.',
};

function isForm(c: Context<StaffEnv>): boolean {
  const type = c.req.header('content-type') ?? '';
  return type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data');
}

/** The request body as an object: a form (first value of each field) or JSON. */
async function bodyOf(c: Context<StaffEnv>): Promise<unknown> {
  if (isForm(c)) {
    const form = await c.req.parseBody();
    return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
  }
  try {
    return await c.req.json();
  } catch {
    throw new LearningError(400, 'Nội dung gửi lên không phải JSON hợp lệ.');
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new LearningError(400, firstProblem(r.error));
  return r.data;
}

export function createLearningModule(deps: LearningModuleDeps): StaffModule {
  const service = createLearningService(deps);
  const style = consoleStylesheet('learning.css');

  /** Runs a change; maps the outcome to a redirect or JSON, and a LearningError to its status. */
  async function change(
    c: Context<StaffEnv>,
    run: (body: unknown) => Record<string, unknown> | Promise<Record<string, unknown>>,
    notice: keyof typeof NOTICES,
    adminOnly = true,
  ): Promise<Response> {
    const form = isForm(c);
    try {
      // Refused before the input is read: a hamlet account learns nothing from validation messages.
      if (adminOnly && c.get('staff').role !== 'admin') {
        throw new LearningError(403, ADMIN_ONLY_MESSAGE);
      }
      const result = await run(await bodyOf(c));
      if (form) return c.redirect(`${LEARNING_PATH}?done=${notice}`, 303);
      return c.json({ ok: true, ...result });
    } catch (err) {
      if (!(err instanceof LearningError)) throw err;
      if (form) return c.html(learningErrorPage(err.message), err.status);
      return c.json({ error: err.message }, err.status);
    }
  }

  async function readOnly<T>(c: Context<StaffEnv>, run: () => Promise<T>): Promise<Response | T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof LearningError) return c.json({ error: err.message }, err.status);
      throw err;
    }
  }

  return (router: Hono<StaffEnv>) => {
    router.get('/learning/learning.css', (c) => {
      c.header('Content-Type', 'text/css; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(style);
    });

    router.get('/learning', async (c) => {
      const q = GroupsQuerySchema.safeParse({ state: c.req.query('state') });
      if (!q.success) return c.html(learningErrorPage(firstProblem(q.error)), 400);
      const groups = (await service.groups(q.data.state)).slice(0, PAGE_GROUPS);
      const withCandidates = await Promise.all(
        groups.map(async (view) => ({ view, candidates: await service.candidates(view.representative) })),
      );
      const staff = c.get('staff');
      const done = c.req.query('done');
      c.header('Cache-Control', 'no-store');
      return c.html(
        learningPage({
          state: q.data.state,
          groups: withCandidates,
          weekly: await service.weekly(8),
          entries: await service.entries(),
          faqIds: deps.index.faqEntries().map((e) => ({ id: e.id, question: e.question })),
          documents: deps.index
            .documents()
            .filter((d) => d.kind === 'doc' && !isConsoleRef(d.ref))
            .map((d) => ({ ref: d.ref, title: d.title })),
          setAside: await service.setAside(),
          canDecide: staff.role === 'admin',
          csrfToken: c.get('csrfToken'),
          nav: consoleNavHtml({
            principal: staff,
            csrfToken: c.get('csrfToken'),
            current: 'learning',
            handoffOpen: c.get('handoffOpen'),
          }),
          ...(done && NOTICES[done] !== undefined && { notice: NOTICES[done] }),
        }),
      );
    });

    router.get('/api/learning/groups', async (c) => {
      const q = GroupsQuerySchema.safeParse(c.req.query());
      if (!q.success) return c.json({ error: firstProblem(q.error) }, 400);
      const groups = (await service.groups(q.data.state)).slice(0, q.data.limit);
      c.header('Cache-Control', 'no-store');
      return c.json({
        state: q.data.state,
        groups: await Promise.all(
          groups.map(async (g) => ({ ...g, candidates: await service.candidates(g.representative) })),
        ),
      });
    });

    router.get('/api/learning/weekly', async (c) => {
      const q = WeeklyQuerySchema.safeParse(c.req.query());
      if (!q.success) return c.json({ error: firstProblem(q.error) }, 400);
      return c.json({ weeks: await service.weekly(q.data.weeks) });
    });

    router.get('/api/learning/entries/:id/revisions', (c) =>
      readOnly(c, async () => {
        const id = parse(EntryIdSchema, c.req.param('id'));
        return c.json({ entry: id, revisions: await service.revisions(id) });
      }),
    );

    router.post('/learning/groups/:id/answer', (c) =>
      change(
        c,
        async (body) => {
          const id = parse(GroupIdSchema, c.req.param('id'));
          return service.answer(id, parse(AnswerSchema, body), c.get('staff'));
        },
        'answered',
      ),
    );

    router.post('/learning/groups/:id/attach', (c) =>
      change(
        c,
        async (body) => {
          const id = parse(GroupIdSchema, c.req.param('id'));
          const input = parse(AttachSchema, body);
          return service.attach(id, input.faqId, input.reason, c.get('staff'));
        },
        'attached',
      ),
    );

    router.post('/learning/groups/:id/ignore', (c) =>
      change(
        c,
        async (body) => {
          const id = parse(GroupIdSchema, c.req.param('id'));
          await service.ignore(id, parse(IgnoreSchema, body).reason, c.get('staff'));
          return { group: id };
        },
        'ignored',
      ),
    );

    router.post('/learning/flag', (c) =>
      change(
        c,
        async (body) => {
          const input = parse(FlagSchema, body);
          return { question: await service.flag(input, c.get('staff')) };
        },
        'flagged',
        false,
      ),
    );

    router.post('/learning/entries/:id/revert', (c) =>
      change(
        c,
        async (body) => {
          const id = parse(EntryIdSchema, c.req.param('id'));
          return service.revert(id, parse(RevertSchema, body).reason, c.get('staff'));
        },
        'reverted',
      ),
    );
  };
}
