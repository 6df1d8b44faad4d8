/**
 * @module staff/accountModule
 *
 * GET/POST /staff/account/link and POST /staff/account/link/unlink: a
 * signed-in staff member (any role: it is their own account) links their
 * Telegram or Zalo chat so the bot answers them `/thongke`, and unlinks it.
 * The code is made on POST only, so it never sits in an address, a history
 * or a cache, and is shown once. The link itself is made (and audited as
 * `staff.chat.link`) when the bot receives the code (staff/chatLinks.ts);
 * asking for a code and unlinking are audited here, with the channel and
 * never a chat id.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Clock, Random } from '../core/ports.js';
import { accountBody, ACCOUNT_LINK_PATH, type AccountPageData } from './accountPage.js';
import { issueStaffChatCode } from './chatLinks.js';
import { consoleNavHtml } from './consoleNav.js';
import { staffPage } from './pages.js';
import {
  STAFF_CHAT_CHANNELS,
  type AuditLog,
  type StaffChatChannel,
  type StaffChatLinkStore,
  type StaffEnv,
  type StaffModule,
} from './types.js';

export interface AccountModuleDeps {
  readonly links: StaffChatLinkStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The code's randomness; the OS CSPRNG unless a test fixes it. */
  readonly random?: Random;
}

const UnlinkForm = z.object({
  channel: z.enum(STAFF_CHAT_CHANNELS as [StaffChatChannel, ...StaffChatChannel[]], {
    error: 'Chưa chọn đúng kênh cần hủy liên kết (Telegram hoặc Zalo).',
  }),
});

const NOTICES: Readonly<Record<string, string>> = {
  unlinked: 'Đã hủy liên kết. Trợ lý sẽ không trả lời /thongke trên kênh đó nữa.',
  none: 'Kênh đó chưa được liên kết nên không có gì để hủy.',
};

export function createAccountModule(deps: AccountModuleDeps): StaffModule {
  async function page(
    c: Context<StaffEnv>,
    status: 200 | 400 | 409,
    extra: Partial<Pick<AccountPageData, 'fresh' | 'notice' | 'error'>> = {},
  ) {
    const staff = c.get('staff');
    const csrfToken = c.get('csrfToken');
    const data: AccountPageData = {
      name: staff.name,
      csrfToken,
      links: await deps.links.linksOf(staff.id),
      channels: STAFF_CHAT_CHANNELS,
      ...extra,
    };
    const live = extra.fresh ? undefined : await deps.links.liveCodeExpiry(staff.id, deps.clock.now());
    c.header('Cache-Control', 'no-store');
    return c.html(
      staffPage(
        'Tài khoản',
        accountBody(live ? { ...data, liveUntil: live } : data),
        consoleNavHtml({ principal: staff, csrfToken, current: 'account', handoffOpen: c.get('handoffOpen') }),
      ),
      status,
    );
  }

  return (router: Hono<StaffEnv>) => {
    router.get('/account/link', (c) => {
      const done = c.req.query('done');
      const notice = done !== undefined ? NOTICES[done] : undefined;
      return page(c, 200, notice !== undefined ? { notice } : {});
    });

    router.post('/account/link', async (c) => {
      const staff = c.get('staff');
      const fresh = await issueStaffChatCode(deps.links, staff.id, deps.clock, deps.random);
      if (!fresh) return page(c, 409, { error: 'Chưa tạo được mã. Anh/chị vui lòng thử lại.' });
      await deps.audit.record({ actorId: staff.id, action: 'staff.chat.code', target: staff.id });
      return page(c, 200, { fresh });
    });

    router.post('/account/link/unlink', async (c) => {
      const staff = c.get('staff');
      const parsed = UnlinkForm.safeParse(await c.req.parseBody());
      if (!parsed.success) return page(c, 400, { error: parsed.error.issues[0]?.message ?? 'Biểu mẫu không hợp lệ.' });
      const { channel } = parsed.data;
      const removed = await deps.links.unlink(staff.id, channel);
      if (removed) {
        await deps.audit.record({
          actorId: staff.id,
          action: 'staff.chat.unlink',
          target: staff.id,
          details: { channel },
        });
      }
      return c.redirect(`${ACCOUNT_LINK_PATH}?done=${removed ? 'unlinked' : 'none'}`, 303);
    });
  };
}
