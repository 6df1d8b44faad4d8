/**
 * @module cli/staff
 *
 * `cli staff add|list|disable|reset`: staff accounts of the console, from the
 * server's terminal. No password is ever typed here: `add` and `reset` print
 * a one-time link (valid 72 hours) with which the person chooses their own.
 * The link is printed on stdout only, never logged. With DATABASE_URL the
 * accounts are PostgreSQL's (cliStores.ts), else the SQLite file's.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { communeContent, COMMUNE_SLUG } from '../content/communeContent.js';
import { loadCommune } from '../content/loadCommune.js';
import type { Clock } from '../core/ports.js';
import { systemClock } from '../services.js';
import { addStaffAccount, issueSetupToken, setupLink, SETUP_TOKEN_TTL_MS } from '../staff/accounts.js';
import { publicBaseUrl } from '../staff/compose.js';
import type { StaffChatChannel } from '../storage/sqlite/staffChatLinkRepo.js';
import type { StaffAccount } from '../staff/storePort.js';
import { pgProblemExit, withCliStores, type CliStores } from './cliStores.js';
import type { CliContext } from './index.js';

const USAGE = `Cách dùng:
  staff add --name "Họ và tên" --role admin|hamlet|province [--hamlet <mã xóm/khối>] [--id <tên đăng nhập>]
      Tạo tài khoản và in đường dẫn đặt mật khẩu (dùng một lần, trong 72 giờ).
      admin: quản trị viên của xã (xem cả xã); hamlet: tổ công nghệ số của một xóm/khối (bắt buộc --hamlet);
      province: cán bộ cấp tỉnh (chỉ xem trang "Toàn tỉnh": tiến độ của mọi xã, không có --hamlet).
  staff list [--json]          Danh sách tài khoản (và kênh chat đã liên kết: Telegram, Zalo).
  staff disable --id <tên đăng nhập>
      Khóa tài khoản; mọi phiên đăng nhập của tài khoản kết thúc ngay.
  staff reset --id <tên đăng nhập>
      In đường dẫn đặt lại mật khẩu (đường dẫn cũ chưa dùng sẽ hết hiệu lực).
  Thêm --commune <mã xã> để làm việc với tài khoản của một xã khác trong cùng hệ thống (PostgreSQL): đường dẫn
  in ra trỏ vào trang cán bộ của xã đó (/x/<mã xã>/staff).`;

const loginId = z
  .string({ error: 'thiếu --id <tên đăng nhập>' })
  .trim()
  .regex(
    /^[a-z0-9](?:[a-z0-9.-]{0,38}[a-z0-9])?$/,
    'tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm và gạch ngang (tối đa 40 ký tự)',
  );

const AddArgs = z
  .object({
    name: z
      .string({ error: 'thiếu --name "Họ và tên"' })
      .trim()
      .min(2, '--name quá ngắn')
      .max(80, '--name dài quá 80 ký tự'),
    role: z.enum(['admin', 'hamlet', 'province'], { error: '--role phải là admin, hamlet hoặc province' }),
    hamlet: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,40}$/, '--hamlet là mã xóm/khối trong commune.yaml (vd. xom-1)')
      .optional(),
    id: loginId.optional(),
  })
  .refine((a) => a.role !== 'hamlet' || a.hamlet !== undefined, {
    message: 'tài khoản --role hamlet cần --hamlet <mã xóm/khối>',
  })
  .refine((a) => a.role !== 'admin' || a.hamlet === undefined, {
    message: 'tài khoản --role admin xem cả xã, không dùng --hamlet',
  })
  .refine((a) => a.role !== 'province' || a.hamlet === undefined, {
    message: 'tài khoản --role province xem các xã trong tỉnh, không dùng --hamlet',
  });

const IdArgs = z.object({ id: loginId });

function fail(message: string): number {
  process.stderr.write(`Lỗi: ${message}\n\n${USAGE}\n`);
  return 1;
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

const CHAT_LABELS: Readonly<Record<StaffChatChannel, string>> = { telegram: 'Telegram', zalo: 'Zalo' };

/** One line per account; linked chats by channel name only (a chat id is nobody's business here). */
function describe(a: StaffAccount, chats: readonly StaffChatChannel[]): string {
  const role =
    a.role === 'province'
      ? 'cán bộ cấp tỉnh'
      : a.role === 'admin'
        ? 'quản trị viên xã'
        : `tổ xóm/khối ${a.hamletId ?? ''}`;
  const state = a.disabledAt !== undefined ? 'đã khóa' : a.hasPassword ? 'đang dùng' : 'chưa đặt mật khẩu';
  const linked = chats.length > 0 ? `liên kết: ${chats.map((c) => CHAT_LABELS[c]).join(', ')}` : 'chưa liên kết chat';
  return `${a.id}\t${a.name}\t${role}\t${state}\t${linked}`;
}

function hoursText(): string {
  return `${SETUP_TOKEN_TTL_MS / 3_600_000} giờ`;
}

export async function runStaff(ctx: CliContext, args: readonly string[], clock: Clock = systemClock): Promise<number> {
  const [sub, ...rest] = args;
  const home = ctx.config.COMMUNE_ID;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        hamlet: { type: 'string' },
        id: { type: 'string' },
        json: { type: 'boolean' },
        commune: { type: 'string' },
      },
    }).values;
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }

  const commune = values.commune;
  if (commune !== undefined) {
    if (typeof commune !== 'string' || !COMMUNE_SLUG.test(commune))
      return fail('--commune là mã xã gồm chữ thường không dấu, số và gạch ngang (vd. hung-chau)');
    // A SQLite install serves one commune: accounts of another would sign in nowhere.
    if (commune !== home && ctx.config.DATABASE_URL === undefined)
      return fail(
        `--commune ${commune}: cài đặt dùng tệp SQLite chỉ phục vụ xã ${home}; nhiều xã cần PostgreSQL (DATABASE_URL)`,
      );
    // Another commune of the install: its accounts, and links into its own console folder.
    if (commune !== home) ctx = { ...ctx, config: { ...ctx.config, COMMUNE_ID: commune } };
  }
  const consolePath = commune !== undefined && commune !== home ? `/x/${commune}` : '';
  const withParts = <T>(fn: (parts: CliStores) => Promise<T>): Promise<T> =>
    withCliStores(ctx, clock, async (stores) => {
      await stores.ensureCommune();
      return fn(stores);
    });
  try {
    return await staffCommand(ctx, sub, values, clock, withParts, consolePath, home);
  } catch (err) {
    return pgProblemExit(ctx, err);
  }
}

async function staffCommand(
  ctx: CliContext,
  sub: string | undefined,
  values: Record<string, string | boolean | undefined>,
  clock: Clock,
  withParts: <T>(fn: (parts: CliStores) => Promise<T>) => Promise<T>,
  consolePath: string,
  home: string,
): Promise<number> {
  const out = (line: string): boolean => ctx.stdout.write(`${line}\n`);
  const base = `${publicBaseUrl(ctx.config).replace(/\/+$/, '')}${consolePath}`;

  switch (sub) {
    case 'add': {
      const parsed = AddArgs.safeParse(values);
      if (!parsed.success) return fail(zodMessage(parsed.error));
      const { name, role, hamlet, id } = parsed.data;
      if (hamlet !== undefined) {
        const content = await communeContent(ctx.config.KNOWLEDGE_DIR, ctx.config.COMMUNE_ID, home);
        const { commune } = content.communeFileDir
          ? await loadCommune(content.communeFileDir)
          : { commune: { hamlets: [] as readonly { id: string }[] } };
        const known = commune.hamlets.map((h) => h.id);
        if (known.length > 0 && !known.includes(hamlet)) {
          return fail(`không có xóm/khối "${hamlet}" trong commune.yaml của xã; các mã hiện có: ${known.join(', ')}`);
        }
        if (known.length === 0) {
          process.stderr.write(
            `Lưu ý: commune.yaml chưa có danh sách xóm/khối; tài khoản vẫn được tạo với mã "${hamlet}".\n`,
          );
        }
      }
      const added = await withParts(({ staff, audit }) =>
        addStaffAccount(
          staff,
          { name, role, ...(hamlet !== undefined && { hamletId: hamlet }), ...(id !== undefined && { id }) },
          { clock, audit },
        ),
      );
      if (!added) return fail(`tên đăng nhập "${id ?? ''}" đã có người dùng; hãy chọn --id khác`);
      out(`Đã tạo tài khoản cho ${added.account.name}. Tên đăng nhập: ${added.account.id}`);
      out(`Gửi riêng đường dẫn sau cho người dùng để tự đặt mật khẩu (dùng một lần, trong ${hoursText()}):`);
      out(setupLink(base, added.token));
      return 0;
    }
    case 'list': {
      const { accounts, chats } = await withParts(async ({ staff, staffChats }) => ({
        accounts: await staff.accounts(),
        chats: await staffChats.channelsByStaff(),
      }));
      if (values.json === true) {
        for (const a of accounts) out(JSON.stringify({ ...a, chats: chats.get(a.id) ?? [] }));
        return 0;
      }
      if (accounts.length === 0) {
        out('Chưa có tài khoản nào. Tạo tài khoản đầu tiên: npm run -s cli -- staff add --name "…" --role admin');
        return 0;
      }
      for (const a of accounts) out(describe(a, chats.get(a.id) ?? []));
      return 0;
    }
    case 'disable': {
      const parsed = IdArgs.safeParse(values);
      if (!parsed.success) return fail(zodMessage(parsed.error));
      const done = await withParts(async ({ staff, audit }) => {
        if (!(await staff.disable(parsed.data.id, clock.now()))) return false;
        await audit.record({ actorId: 'cli', action: 'staff.account.disable', target: parsed.data.id });
        return true;
      });
      if (!done) return fail(`không có tài khoản đang dùng nào tên "${parsed.data.id}"`);
      out(`Đã khóa tài khoản ${parsed.data.id}; các phiên đăng nhập của tài khoản đã kết thúc.`);
      return 0;
    }
    case 'reset': {
      const parsed = IdArgs.safeParse(values);
      if (!parsed.success) return fail(zodMessage(parsed.error));
      const token = await withParts(async ({ staff, audit }) => {
        const t = await issueSetupToken(staff, parsed.data.id, clock);
        if (t !== undefined)
          await audit.record({ actorId: 'cli', action: 'staff.password.reset_link', target: parsed.data.id });
        return t;
      });
      if (token === undefined) return fail(`không có tài khoản đang dùng nào tên "${parsed.data.id}"`);
      out(
        `Đường dẫn đặt lại mật khẩu cho ${parsed.data.id} (dùng một lần, trong ${hoursText()}; mật khẩu cũ vẫn dùng được đến khi đặt mật khẩu mới):`,
      );
      out(setupLink(base, token));
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 1;
  }
}
