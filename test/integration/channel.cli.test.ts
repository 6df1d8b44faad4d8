/**
 * `cli channel add|list|disable` (issue 20 item 3): the token comes from
 * stdin and never from argv, the row's key and webhook path are printed, the
 * list shows no secret, a disabled key is gone from the webhook's lookup, and
 * bad arguments get a Vietnamese message naming what is wrong. On SQLite or
 * PostgreSQL (test/testService.ts: the CLI is given the service's database).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runChannel, type ChannelCliIo } from '../../src/cli/channel.js';
import type { CliContext } from '../../src/cli/index.js';
import { openDatabase } from '../../src/storage/sqlite/db.js';
import { fixedClock, memoryLogger, runCli, tempDir } from '../helpers.js';
import { testBackend, testService, type TestService } from '../testService.js';

const TOKEN = '555000111:AAF-cli_token_read_from_stdin';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('cli channel', () => {
  let tmp: { dir: string; cleanup: () => void };
  let s: TestService;
  /** How the CLI reaches the service's database (PostgreSQL: with the key file the service seals with). */
  let dbEnv: Record<string, string>;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-channel-cli-');
    let keyFile: Record<string, string> = {};
    if (testBackend() === 'pg') {
      // Without a SQLite file there is no key beside it: the install names its key file.
      keyFile = { SECRETS_KEY_FILE: join(tmp.dir, 'secrets.key') };
      writeFileSync(keyFile.SECRETS_KEY_FILE as string, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    s = await testService({ env: { PUBLIC_BASE_URL: 'https://hocvuso.example.vn', ...keyFile } });
    dbEnv =
      s.backend === 'pg'
        ? { DATABASE_URL: s.config.DATABASE_URL ?? '', ...keyFile }
        : { DATABASE_PATH: s.config.DATABASE_PATH };
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await s?.close();
    tmp.cleanup();
  });

  /** Whether `secret` is anywhere in the database as plain text (SQLite: the file and its WAL, checkpointed). */
  async function storedInPlain(secret: string): Promise<boolean> {
    if (s.backend === 'pg') return JSON.stringify(await s.tables.everyRow()).includes(secret);
    const dbPath = s.config.DATABASE_PATH;
    const db = openDatabase(dbPath);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    return [dbPath, `${dbPath}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(secret)));
  }

  async function inProcess(args: string[], stdin = '', env: Record<string, string> = {}) {
    const out = sink();
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const ctx: CliContext = {
      config: s.config,
      logger: memoryLogger().logger,
      args,
      stdout: out.stream,
    };
    const io: ChannelCliIo = { readStdin: () => stdin, env, clock: fixedClock() };
    const code = await runChannel(ctx, args, io);
    const stderr = err.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    return { code, stdout: out.text(), stderr };
  }

  it('adds a Telegram bot from stdin through the real CLI, prints its webhook path, and lists it without secrets', async () => {
    const env = { ...dbEnv, KNOWLEDGE_DIR: join(import.meta.dirname, '..', '..', 'knowledge') };
    const add = await runCli(['channel', 'add', 'telegram', '--commune', 'hung-chau'], env, `${TOKEN}\n`);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const path = /Đường dẫn webhook: (\/webhooks\/telegram\/([A-Za-z0-9_-]{32}))$/m.exec(add.stdout);
    expect(path).not.toBeNull();
    expect(add.stdout).not.toContain(TOKEN);

    const list = await runCli(['channel', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { publicKey: string; communeId: string; enabled: boolean }[];
    expect(rows).toEqual([expect.objectContaining({ publicKey: path?.[2], communeId: 'hung-chau', enabled: true })]);
    expect(list.stdout).not.toContain(TOKEN);

    // The token and the generated webhook secret are in the row, sealed; the database holds neither.
    const found = await s.channelStores.keyring.find('telegram', path?.[2] ?? '');
    const secrets = found?.secrets();
    expect(secrets).toMatchObject({ kind: 'telegram', botToken: TOKEN });
    expect(secrets?.kind === 'telegram' && secrets.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await storedInPlain(TOKEN)).toBe(false);
    if (secrets?.kind === 'telegram') expect(await storedInPlain(secrets.webhookSecret)).toBe(false);
  }, 60_000);

  it('refuses a token given on the command line, and a malformed one on stdin', async () => {
    const argv = await inProcess(['add', 'telegram', TOKEN, '--commune', 'hung-chau'], TOKEN);
    expect(argv.code).toBe(1);
    expect(argv.stderr).toContain('không ghi mã bí mật trên dòng lệnh');
    const bad = await inProcess(['add', 'telegram', '--commune', 'hung-chau'], 'not-a-token');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('không đúng dạng của BotFather');
    expect(bad.stderr).not.toContain('not-a-token');
    expect((await inProcess(['list'])).stdout).toContain('Chưa có kênh nào.');
  });

  it('names a missing or bad --commune, an unknown commune, and a second enabled bot', async () => {
    expect((await inProcess(['add', 'telegram'], TOKEN)).stderr).toContain('thiếu --commune');
    expect((await inProcess(['add', 'telegram', '--commune', 'Xã B'], TOKEN)).stderr).toContain('--commune là mã xã');
    expect((await inProcess(['add', 'telegram', '--commune', 'xa-chua-co'], TOKEN)).stderr).toContain(
      'chưa có xã "xa-chua-co"',
    );
    const first = await inProcess(['add', 'telegram', '--commune', 'hung-chau'], TOKEN);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Địa chỉ đầy đủ: https:\/\/hocvuso\.example\.vn\/webhooks\/telegram\/[\w-]{32}/);
    const second = await inProcess(['add', 'telegram', '--commune', 'hung-chau'], TOKEN);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('đã có một kênh Telegram đang bật');
  });

  it('refuses a row for the commune whose channel of that kind is configured in .env', async () => {
    const res = await inProcess(['add', 'telegram', '--commune', 'hung-chau'], TOKEN, { TELEGRAM_BOT_TOKEN: '1:x' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('đã có kênh Telegram cấu hình trong tệp .env');
  });

  it('adds a Zalo OA of another commune from stdin lines, and disables a channel by its key', async () => {
    await s.tables.insert('communes', { id: 'xa-b', name: 'xa-b' });
    expect((await inProcess(['add', 'zalo', '--commune', 'xa-b'], 'k\ns')).stderr).toContain('thiếu --app-id');
    expect((await inProcess(['add', 'zalo', '--commune', 'xa-b', '--app-id', '42'], 'only-one')).stderr).toContain(
      'stdin cần 2–3 dòng',
    );
    const added = await inProcess(['add', 'zalo', '--commune', 'xa-b', '--app-id', '42'], 'oa-key\napp-secret\n');
    expect(added.code).toBe(0);
    const key = /\/webhooks\/zalo\/([\w-]{32})/.exec(added.stdout)?.[1] ?? '';
    expect(key).not.toBe('');

    expect((await inProcess(['disable', 'short'])).stderr).toContain('mã công khai không đúng dạng');
    const off = await inProcess(['disable', key]);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('Đã tắt kênh');
    expect((await inProcess(['disable', key])).stderr).toContain('không có kênh nào đang bật');
    const list = (await inProcess(['list', '--commune', 'xa-b'])).stdout;
    expect(list).toContain('Zalo OA\txa-b');
    expect(list).toContain('đã tắt');
    expect(list).not.toContain('oa-key');
  });
});
