/**
 * The Telegram channel's pure pieces: its config schema (off without a token,
 * webhook settings required only in webhook mode, secrets never echoed), the
 * poll limits and fallback, message splitting and keyboard layout, and the
 * 64-byte callback budget with its short-id table in the database (SQLite or
 * PostgreSQL, test/testRepos.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { decodeCallback, encodeCallback, MAX_CALLBACK_BYTES } from '../../src/channels/telegram/callbackData.js';
import { loadTelegramConfig } from '../../src/channels/telegram/config.js';
import { inboundOf } from '../../src/channels/telegram/inbound.js';
import { pollFor, POLL_LIMITS } from '../../src/channels/telegram/polls.js';
import { inlineKeyboard, renderReply, splitText } from '../../src/channels/telegram/render.js';
import { MemoryTelegramStore } from '../../src/channels/telegram/store.js';
import { webhookUrl } from '../../src/channels/telegram/runtime.js';
import { ConfigError } from '../../src/config.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import { openTestRepos } from '../testRepos.js';
import { BOT_INFO, TEST_TOKEN, textUpdate } from './telegramFixtures.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadTelegramConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('Telegram config', () => {
  it('is off without a token and defaults to polling with buttons', () => {
    expect(loadTelegramConfig({})).toBeUndefined();
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '  ' })).toBeUndefined();
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TEST_TOKEN })).toEqual({
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'polling',
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      TELEGRAM_QUIZ_STYLE: 'buttons',
      TELEGRAM_QUIZ_STYLE_BY_QUIZ: {},
      TELEGRAM_THROTTLE: 'on',
    });
  });

  it('reads per-quiz presentations and names the variable when the list is malformed', () => {
    const config = loadTelegramConfig({
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_QUIZ_STYLE_BY_QUIZ: ' vneid-co-ban:poll , lua-dao-qua-mang : buttons',
    });
    expect(config?.TELEGRAM_QUIZ_STYLE_BY_QUIZ).toEqual({ 'vneid-co-ban': 'poll', 'lua-dao-qua-mang': 'buttons' });
    for (const bad of ['vneid:cards', 'vneid', 'vneid:poll,', 'mã bài:poll']) {
      const err = configError({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_QUIZ_STYLE_BY_QUIZ: bad });
      expect(err.message).toContain('TELEGRAM_QUIZ_STYLE_BY_QUIZ');
    }
  });

  it('requires the webhook URL and secret in webhook mode, naming the variables', () => {
    const err = configError({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'webhook' });
    expect(err.message).toContain('TELEGRAM_WEBHOOK_URL');
    expect(err.message).toContain('TELEGRAM_WEBHOOK_SECRET');
  });

  it('checks the secret alphabet and length without echoing secrets', () => {
    const base = {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://x.vn/hook',
    };
    for (const bad of ['có dấu', 'a'.repeat(257), 'semi;colon']) {
      const err = configError({ ...base, TELEGRAM_WEBHOOK_SECRET: bad });
      expect(err.issues.join()).toContain('TELEGRAM_WEBHOOK_SECRET = (ẩn)');
      expect(err.message).not.toContain(bad);
    }
    expect(loadTelegramConfig({ ...base, TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(256) })?.TELEGRAM_MODE).toBe('webhook');
    const token = configError({ TELEGRAM_BOT_TOKEN: 'not-a-token-secret-value' });
    expect(token.message).toContain('TELEGRAM_BOT_TOKEN');
    expect(token.message).not.toContain('not-a-token-secret-value');
  });

  it('rejects unknown modes, styles and API roots', () => {
    expect(configError({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_MODE: 'push' }).message).toContain('TELEGRAM_MODE');
    expect(configError({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_QUIZ_STYLE: 'cards' }).message).toContain(
      'TELEGRAM_QUIZ_STYLE',
    );
    expect(configError({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: 'api.telegram.org' }).message).toContain(
      'TELEGRAM_API_ROOT',
    );
    expect(
      loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' })
        ?.TELEGRAM_API_ROOT,
    ).toBe('http://127.0.0.1:8081');
  });

  it('appends the route to a bare webhook origin', () => {
    expect(webhookUrl('https://x.vn')).toBe('https://x.vn/webhooks/telegram');
    expect(webhookUrl('https://x.vn/custom/path')).toBe('https://x.vn/custom/path');
  });
});

describe('quiz polls', () => {
  const question = (text: string, labels: string[], explanation = 'Vì đó là cách an toàn.'): OutgoingReply => ({
    kind: 'quiz-question',
    text,
    buttons: labels.map((label, i) => ({ label, value: `quiz:a:abc:0:${i}` })),
    quiz: { quizId: 'q', attemptId: 'abc', index: 0, total: 3, correctPosition: 1, explanation },
  });

  it('turns a fitting question into a quiz poll with its choices', () => {
    const plan = pollFor(question('Câu 1/3:\nMật khẩu nào mạnh?', ['123456', 'Mt5lr@HC']));
    expect(plan).toMatchObject({ options: ['123456', 'Mt5lr@HC'], correctPosition: 1, explained: true });
    expect(plan?.values).toEqual(['quiz:a:abc:0:0', 'quiz:a:abc:0:1']);
  });

  it('falls back to buttons beyond the limits', () => {
    expect(pollFor(question('x'.repeat(POLL_LIMITS.question + 1), ['a', 'b']))).toBeUndefined();
    expect(pollFor(question('ok?', ['a', 'b'.repeat(POLL_LIMITS.option + 1)]))).toBeUndefined();
    expect(
      pollFor(
        question(
          'ok?',
          Array.from({ length: 11 }, (_, i) => `o${i}`),
        ),
      ),
    ).toBeUndefined();
    expect(
      pollFor({ kind: 'notice', text: 'không phải câu hỏi', buttons: [{ label: 'a', value: 'b' }] }),
    ).toBeUndefined();
  });

  it('counts characters after NFC, so a decomposed question is not refused for its marks', () => {
    const text = 'Đăng ký định danh mức 2 ở đâu? '.repeat(9).trim();
    expect(text.normalize('NFD').length).toBeGreaterThan(POLL_LIMITS.question);
    expect(text.normalize('NFC').length).toBeLessThanOrEqual(POLL_LIMITS.question);
    expect(pollFor(question(text.normalize('NFD'), ['a', 'b']))?.question).toBe(text.normalize('NFC'));
  });

  it('shortens a long explanation to 200 characters and at most two line breaks', () => {
    const plan = pollFor(question('ok?', ['a', 'b'], `${'Giải thích dài. '.repeat(30)}`));
    expect(plan?.explanation?.length).toBeLessThanOrEqual(POLL_LIMITS.explanation);
    expect(plan?.explained).toBe(false);
    const lines = pollFor(question('ok?', ['a', 'b'], 'một\nhai\nba\nbốn\nnăm'));
    expect(lines?.explanation?.split('\n')).toHaveLength(3);
    expect(lines?.explained).toBe(true);
  });
});

describe('rendering', () => {
  const same = (v: string) => Promise.resolve(v);

  it('splits long texts at line breaks under 4096 characters, buttons on the last part', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `Dòng thứ ${i} của câu trả lời rất dài.`).join('\n');
    const parts = await renderReply({ kind: 'notice', text, buttons: [{ label: 'Tiếp', value: 'menu:help' }] }, same);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    expect(parts.map((p) => p.text).join('\n')).toBe(text);
    expect(parts.slice(0, -1).every((p) => p.reply_markup === undefined)).toBe(true);
    expect(parts.at(-1)?.reply_markup).toBeDefined();
    expect(splitText('')).toEqual(['']);
  });

  it('puts short labels two to a row and long labels alone', async () => {
    const kb = await inlineKeyboard(
      [
        { label: 'Đồng ý', value: 'a' },
        { label: 'Bỏ qua', value: 'b' },
        { label: 'Người dân trong độ tuổi trưởng thành', value: 'c' },
        { label: 'Khác', value: 'd' },
      ],
      same,
    );
    expect(kb.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['Đồng ý', 'Bỏ qua'],
      ['Người dân trong độ tuổi trưởng thành'],
      ['Khác'],
    ]);
  });
});

describe('callback data', () => {
  it('keeps short values and stores long ones (in the database) under a short id', async () => {
    const database = await openTestRepos();
    const store = (await database.fresh()).telegram;
    const at = new Date('2026-12-01T00:00:00Z');
    expect(await encodeCallback('quiz:a:abc:0:1', store, at)).toBe('quiz:a:abc:0:1');
    const long = `reg:h:${'xóm-tân-hùng-'.repeat(6)}`;
    const id = await encodeCallback(long, store, at);
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(await encodeCallback(long, store, at)).toBe(id);
    expect(await decodeCallback(id, store)).toBe(long);
    expect(await decodeCallback('~unknown', store)).toBeUndefined();
    expect(await decodeCallback(await encodeCallback('~tilde', store, at), store)).toBe('~tilde');
    // Old records go; recent ones stay.
    expect(await store.prune(new Date('2026-11-01'), new Date('2026-12-02'))).toBeGreaterThan(0);
    expect(await decodeCallback(id, store)).toBeUndefined();
    await database.close();
  });

  it('the memory store behaves like the SQLite one', () => {
    const store = new MemoryTelegramStore();
    store.markInactive(5, 'blocked');
    expect(store.isInactive(5)).toBe(true);
    store.markActive(5);
    expect(store.isInactive(5)).toBe(false);
  });
});

describe('Telegram commands', () => {
  const message = (text: string): Message => {
    const update = textUpdate(42, text);
    if (!update.message) throw new Error('no message');
    return update.message;
  };

  it('/lienket with a code copied in two halves links with that code instead of making a new one', () => {
    expect(inboundOf(message('/lienket x6d9 99Ya'), BOT_INFO)).toEqual({ kind: 'engine', text: 'liên kết X6D999YA' });
    expect(inboundOf(message('/start X6D9-99YA'), BOT_INFO)).toEqual({ kind: 'engine', text: 'liên kết X6D999YA' });
  });
});
