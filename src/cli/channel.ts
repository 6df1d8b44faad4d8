/**
 * @module cli/channel
 *
 * `cli channel add|list|disable`: channels as rows (issue 20 item 3), one
 * Telegram bot or Zalo OA per commune, reached at `/webhooks/<kind>/<key>`.
 * Tokens and secrets are read from stdin, never from the command line (argv
 * shows in `ps` and in the shell's history), sealed before they are written,
 * and never printed again: `list` shows no secret. The webhook secret and the
 * public key are generated here. With DATABASE_URL the rows are PostgreSQL's
 * (storage/pg/pgChannelRepo.ts), else the SQLite file's.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ChannelDirectory, ChannelRow, ChannelSecrets } from '../core/stores/channels.js';
import type { Clock, MaybePromise } from '../core/ports.js';
import { systemClock } from '../services.js';
import { secretBoxFor } from '../storage/secretKey.js';
import { newWebhookSecret, SqliteChannelRepo } from '../storage/sqlite/channelRepo.js';
import { ensureCommune, openDatabase } from '../storage/sqlite/db.js';
import type { CliContext } from './index.js';

const USAGE = `Cách dùng:
  channel add telegram --commune <mã xã>
      Thêm bot Telegram cho xã; mã bot (token) của BotFather được đọc từ đầu vào chuẩn (stdin),
      ví dụ: npm run -s cli -- channel add telegram --commune hung-chau < token.txt
  channel add zalo --commune <mã xã> --app-id <App ID>
      Thêm Zalo OA cho xã; đầu vào chuẩn gồm 2–3 dòng: khóa bí mật OA, App Secret, refresh token (nếu có).
  channel list [--commune <mã xã>] [--json]
      Danh sách kênh (không hiện mã bí mật nào).
  channel disable <mã công khai>
      Tắt một kênh: webhook của kênh trả lời 404 (chậm nhất sau 5 giây ở mọi tiến trình).`;

const communeId = z
  .string({ error: 'thiếu --commune <mã xã>' })
  .trim()
  .regex(/^[a-z0-9-]{1,60}$/, '--commune là mã xã: chữ thường không dấu, số và dấu gạch ngang');

const AddTelegram = z.object({ commune: communeId });
const AddZalo = z.object({
  commune: communeId,
  'app-id': z
    .string({ error: 'thiếu --app-id <App ID của ứng dụng Zalo>' })
    .trim()
    .regex(/^\d{1,30}$/, '--app-id là dãy số (App ID trong trang Zalo for Developers)'),
});
const ListArgs = z.object({ commune: communeId.optional(), json: z.boolean().optional() });
const PublicKey = z
  .string({ error: 'thiếu mã công khai của kênh (xem: channel list)' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{22,64}$/, 'mã công khai không đúng dạng (xem: channel list)');

const BotToken = z
  .string()
  .trim()
  .regex(/^\d{1,20}:[A-Za-z0-9_-]{10,}$/, 'mã bot (token) đọc từ stdin không đúng dạng của BotFather (số:chuỗi)');
const ZaloLines = z.tuple(
  [
    z.string().min(1, 'dòng 1 (khóa bí mật OA) đang trống'),
    z.string().min(1, 'dòng 2 (App Secret) đang trống'),
    z
      .string()
      .regex(/^\S{10,}$/, 'dòng 3 (refresh token) không đúng dạng')
      .optional(),
  ],
  { error: 'stdin cần 2–3 dòng: khóa bí mật OA, App Secret, refresh token (nếu có)' },
);

const KIND_LABEL = { telegram: 'Telegram', zalo: 'Zalo OA' } as const;

function fail(message: string): number {
  process.stderr.write(`Lỗi: ${message}\n\n${USAGE}\n`);
  return 1;
}

const zodMessage = (error: z.ZodError): string => error.issues.map((i) => i.message).join('; ');

/** The row as staff read it: kind, commune, key, state, date. */
function describe(r: ChannelRow): string {
  const state = r.enabled ? 'đang bật' : 'đã tắt';
  return `${KIND_LABEL[r.kind]}\t${r.communeId}\t${r.publicKey}\t${state}\tthêm ngày ${r.createdAt.toISOString().slice(0, 10)}`;
}

/** Whether the environment already runs this kind of channel for the install's own commune (the old path). */
function envChannelOn(kind: ChannelRow['kind'], env: Record<string, string | undefined>): boolean {
  const set = (name: string): boolean => (env[name] ?? '').trim() !== '';
  return kind === 'telegram'
    ? set('TELEGRAM_BOT_TOKEN')
    : ['ZALO_APP_ID', 'ZALO_OA_SECRET_KEY', 'ZALO_BOT_TOKEN', 'ZALO_MODE'].some(set);
}

export interface ChannelCliIo {
  /** The secrets typed or piped in (stdin). */
  readonly readStdin: () => string;
  readonly env: Record<string, string | undefined>;
  readonly clock: Clock;
}

const defaultIo: ChannelCliIo = {
  readStdin: () => readFileSync(0, 'utf8'),
  env: process.env,
  clock: systemClock,
};

export async function runChannel(
  ctx: CliContext,
  args: readonly string[],
  io: ChannelCliIo = defaultIo,
): Promise<number> {
  const [sub, ...rest] = args;
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  const out = (line: string): boolean => ctx.stdout.write(`${line}\n`);
  const withRepo = async <T>(fn: (repo: ChannelDirectory) => MaybePromise<T>): Promise<T> => {
    const url = ctx.config.DATABASE_URL;
    if (url !== undefined) {
      // PostgreSQL: rows of the communes named (list without --commune: this install's COMMUNE_ID).
      const [{ openPgDatabase }, { PgChannelRepo }] = await Promise.all([
        import('../storage/pg/db.js'),
        import('../storage/pg/pgChannelRepo.js'),
      ]);
      const pg = openPgDatabase(url, { max: 1, applicationName: 'hocvuso-cli' });
      try {
        return await fn(
          new PgChannelRepo(
            pg,
            () => secretBoxFor(ctx.config),
            () => [ctx.config.COMMUNE_ID],
          ),
        );
      } finally {
        await pg.destroy();
      }
    }
    const db = openDatabase(ctx.config.DATABASE_PATH);
    try {
      ensureCommune(db, ctx.config.COMMUNE_ID);
      return await fn(new SqliteChannelRepo(db, () => secretBoxFor(ctx.config)));
    } finally {
      db.close();
    }
  };

  switch (sub) {
    case 'add': {
      const kind = positionals[0];
      if (kind !== 'telegram' && kind !== 'zalo') return fail('cần nói loại kênh: channel add telegram|zalo');
      if (positionals.length > 1) {
        return fail('không ghi mã bí mật trên dòng lệnh (ai cũng thấy qua ps); hãy đưa vào qua stdin');
      }
      let secrets: ChannelSecrets;
      let commune: string;
      if (kind === 'telegram') {
        const a = AddTelegram.safeParse(values);
        if (!a.success) return fail(zodMessage(a.error));
        const token = BotToken.safeParse(io.readStdin());
        if (!token.success) return fail(zodMessage(token.error));
        commune = a.data.commune;
        secrets = { kind, botToken: token.data, webhookSecret: newWebhookSecret() };
      } else {
        const a = AddZalo.safeParse(values);
        if (!a.success) return fail(zodMessage(a.error));
        const lines = io
          .readStdin()
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '');
        const z3 = ZaloLines.safeParse(lines);
        if (!z3.success) return fail(zodMessage(z3.error));
        const [oaSecretKey, appSecret, refreshToken] = z3.data;
        commune = a.data.commune;
        secrets = {
          kind,
          appId: a.data['app-id'],
          oaSecretKey,
          appSecret,
          ...(refreshToken !== undefined && { refreshToken }),
        };
      }
      if (commune === ctx.config.COMMUNE_ID && envChannelOn(kind, io.env)) {
        return fail(
          `xã ${commune} đã có kênh ${KIND_LABEL[kind]} cấu hình trong tệp .env (đường dẫn cũ /webhooks/${kind}); ` +
            'hãy bỏ cấu hình đó trước khi thêm kênh dạng hàng, để hai bot không dùng chung hàng đợi tin trả lời',
        );
      }
      const added = await withRepo((repo) => repo.add(commune, secrets, io.clock.now()));
      if (!added.ok) {
        return fail(
          added.reason === 'unknown_commune'
            ? `chưa có xã "${commune}" trong cơ sở dữ liệu`
            : `xã ${commune} đã có một kênh ${KIND_LABEL[kind]} đang bật; hãy tắt kênh đó trước (channel disable <mã>)`,
        );
      }
      const path = `/webhooks/${kind}/${added.row.publicKey}`;
      out(`Đã thêm kênh ${KIND_LABEL[kind]} cho xã ${commune}. Mã bí mật đã được mã hóa trước khi lưu.`);
      out(`Đường dẫn webhook: ${path}`);
      if (ctx.config.PUBLIC_BASE_URL !== undefined) out(`Địa chỉ đầy đủ: ${ctx.config.PUBLIC_BASE_URL}${path}`);
      out(
        kind === 'telegram'
          ? 'Trong vòng một phút, dịch vụ đang chạy tự đăng ký địa chỉ này với Telegram (cần PUBLIC_BASE_URL dạng https).'
          : 'Hãy dán địa chỉ đầy đủ này vào mục Webhook của ứng dụng trong trang Zalo for Developers.',
      );
      return 0;
    }
    case 'list': {
      const a = ListArgs.safeParse(values);
      if (!a.success) return fail(zodMessage(a.error));
      const rows = await withRepo((repo) => repo.list(a.data.commune));
      if (a.data.json === true) {
        out(JSON.stringify(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))));
        return 0;
      }
      if (rows.length === 0) out('Chưa có kênh nào.');
      for (const r of rows) out(describe(r));
      return 0;
    }
    case 'disable': {
      const key = PublicKey.safeParse(positionals[0]);
      if (!key.success) return fail(zodMessage(key.error));
      const done = await withRepo((repo) => repo.disable(key.data, io.clock.now()));
      if (!done) return fail('không có kênh nào đang bật với mã này (xem: channel list)');
      out('Đã tắt kênh. Webhook của kênh từ nay trả lời 404.');
      return 0;
    }
    default:
      return fail(sub === undefined ? 'thiếu lệnh con: add, list hoặc disable' : `không có lệnh con "${sub}"`);
  }
}

const OPTIONS = {
  commune: { type: 'string' },
  'app-id': { type: 'string' },
  json: { type: 'boolean' },
} as const;
