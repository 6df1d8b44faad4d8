/**
 * Telegram test doubles shared by the telegram*.test.ts files: a typed bot
 * identity (so no `getMe`), a fake Bot API installed as the innermost API
 * transformer (it records every call and can be told to refuse the next one),
 * update builders, and a learner who reads the bot's last messages and
 * presses their buttons the way a Telegram client would.
 */
import { HttpError, type Bot, type Transformer } from 'grammy';
import { createTelegramBot, type TelegramBotDeps } from '../../src/channels/telegram/bot.js';
import { telegramTurns } from '../../src/channels/telegram/runtime.js';
import { SqliteTelegramStore } from '../../src/storage/sqlite/telegramRepo.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import type { Chat, InlineKeyboardMarkup, Message, MessageEntity, Update, UserFromGetMe } from 'grammy/types';
import type { Services } from '../../src/services.js';
import type { TelegramBotParts, TestService } from '../testService.js';

export const TEST_TOKEN = '123456789:TEST-token_for-offline-tests-only';

/** The bot over the real services and a fake Bot API, as most Telegram tests drive it; `overrides` for the rest. */
export function testBot(services: Services, api: FakeBotApi, overrides: Partial<TelegramBotDeps> = {}): Bot {
  return createTelegramBot({
    ...botDefaults(api),
    ...telegramTurns(services),
    store: new SqliteTelegramStore(services.db, services.config.COMMUNE_ID),
    ...overrides,
  });
}

/** What every test bot shares: the test token and identity, a quiet logger, a fixed clock, the fake API. */
function botDefaults(api: FakeBotApi) {
  return {
    token: TEST_TOKEN,
    botInfo: BOT_INFO,
    logger: memoryLogger().logger,
    clock: fixedClock(),
    quizStyle: 'buttons' as const,
    transport: api.transport,
    retry: { maxRetryAttempts: 1, maxDelaySeconds: 2 },
  };
}

/**
 * `testBot` on SQLite or PostgreSQL: the bot over the turns and the delivery
 * of test/testService.ts, with the same defaults.
 */
export function testBotOn(
  s: Pick<TestService, 'telegramBot'>,
  api: FakeBotApi,
  overrides: Partial<TelegramBotParts> = {},
): Bot {
  return s.telegramBot({ ...botDefaults(api), ...overrides }).bot;
}

export const BOT_INFO = {
  id: 123456789,
  is_bot: true,
  first_name: 'Trợ lý Hocvuso',
  username: 'hocvuso_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
} satisfies UserFromGetMe;

export interface ApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

interface Refusal {
  readonly ok: false;
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { retry_after?: number };
}

export interface SentMessage {
  readonly messageId: number;
  readonly chatId: number;
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
  readonly poll?: { id: string; question: string; options: string[]; correct: number[] };
}

const chatOf = (id: number): Chat =>
  id > 0 ? { id, type: 'private', first_name: 'Lan' } : { id, type: 'supergroup', title: 'Nhóm học kỹ năng số' };

/** Fake results for the Bot API methods the channel uses, shaped like Telegram's. */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  readonly messages = new Map<number, SentMessage>();
  private readonly refusals: { method: string; refusal: Refusal }[] = [];
  private readonly outages: string[] = [];
  private nextMessageId = 100;
  private nextPollId = 1;

  /** The next call to `method` is refused with this error instead of succeeding. */
  refuseNext(method: string, error_code: number, description: string, retryAfter?: number): void {
    this.refusals.push({
      method,
      refusal: {
        ok: false,
        error_code,
        description,
        ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
      },
    });
  }

  /** The next call to `method` never reaches Telegram (as if the connection were refused). */
  unreachableNext(method: string, times = 1): void {
    for (let i = 0; i < times; i++) this.outages.push(method);
  }

  private readonly holds = new Map<string, Promise<void>>();

  /**
   * Calls to `method` wait until the returned function is called: a slow Bot
   * API, so a test can look at what is committed while a call is pending (what
   * a kill -9 at that moment would leave behind).
   */
  hold(method: string): () => void {
    let release = (): void => undefined;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  readonly transport: Transformer = async (_prev, method, payload) => {
    const p = { ...((payload ?? {}) as Record<string, unknown>) };
    this.calls.push({ method, payload: p });
    await this.holds.get(method);
    const down = this.outages.indexOf(method);
    if (down >= 0) {
      this.outages.splice(down, 1);
      return Promise.reject(new HttpError(`Network request for '${method}' failed!`, new Error('ECONNREFUSED')));
    }
    const i = this.refusals.findIndex((r) => r.method === method);
    if (i >= 0) {
      const [r] = this.refusals.splice(i, 1);
      return Promise.resolve(r?.refusal as never);
    }
    return Promise.resolve({ ok: true, result: this.resultOf(method, p) } as never);
  };

  /** What Telegram would return for a successful call. */
  resultOf(method: string, p: Record<string, unknown>): unknown {
    const chatId = Number(p.chat_id);
    const date = 1_764_576_000;
    switch (method) {
      case 'getMe':
        return BOT_INFO;
      case 'sendMessage': {
        const m: SentMessage = {
          messageId: ++this.nextMessageId,
          chatId,
          text: String(p.text),
          replyMarkup: p.reply_markup as InlineKeyboardMarkup | undefined,
        };
        this.messages.set(m.messageId, m);
        return {
          message_id: m.messageId,
          date,
          chat: chatOf(chatId),
          from: BOT_INFO,
          text: m.text,
          ...(m.replyMarkup ? { reply_markup: m.replyMarkup } : {}),
        };
      }
      case 'sendPoll': {
        const options = (p.options as { text: string }[]).map((o) => o.text);
        const poll = {
          id: `poll-${this.nextPollId++}`,
          question: String(p.question),
          options,
          correct: p.correct_option_ids as number[],
        };
        const m: SentMessage = { messageId: ++this.nextMessageId, chatId, text: poll.question, poll };
        this.messages.set(m.messageId, m);
        return {
          message_id: m.messageId,
          date,
          chat: chatOf(chatId),
          from: BOT_INFO,
          poll: {
            id: poll.id,
            question: poll.question,
            options: options.map((text) => ({ text, voter_count: 0 })),
            total_voter_count: 0,
            is_closed: false,
            is_anonymous: false,
            type: 'quiz',
            allows_multiple_answers: false,
          },
        };
      }
      case 'editMessageText': {
        const m = this.messages.get(Number(p.message_id));
        if (m) {
          m.text = String(p.text);
          const markup = p.reply_markup as InlineKeyboardMarkup | undefined;
          m.replyMarkup = markup && markup.inline_keyboard.length > 0 ? markup : undefined;
        }
        return { message_id: Number(p.message_id), date, chat: chatOf(chatId), text: String(p.text) };
      }
      case 'editMessageReplyMarkup': {
        const m = this.messages.get(Number(p.message_id));
        if (m) m.replyMarkup = undefined;
        return { message_id: Number(p.message_id), date, chat: chatOf(chatId), text: m?.text ?? '' };
      }
      default:
        return true;
    }
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  /** Calls that put something in front of people (messages, polls, edits). */
  posts(chatId?: number): ApiCall[] {
    return this.calls.filter(
      (c) =>
        ['sendMessage', 'sendPoll', 'editMessageText'].includes(c.method) &&
        (chatId === undefined || Number(c.payload.chat_id) === chatId),
    );
  }

  /** Texts sent (or edited in) to a chat, in order. */
  texts(chatId?: number): string[] {
    return this.posts(chatId).map((c) => String(c.payload.text ?? c.payload.question));
  }

  reset(): void {
    this.calls.length = 0;
  }
}

let updateId = 10_000;
export const nextUpdateId = (): number => ++updateId;

export const privateChat = (userId: number): Chat => chatOf(userId);
export const GROUP_ID = -100_777;
export const groupChat = (): Chat => chatOf(GROUP_ID);
export const userOf = (id: number) => ({ id, is_bot: false, first_name: 'Lan', language_code: 'vi' });

/** A text message; a leading /command gets its bot_command entity, as clients send it. */
export function textUpdate(
  userId: number,
  text: string,
  opts: { chat?: Chat; entities?: MessageEntity[]; replyTo?: Message; updateId?: number } = {},
): Update {
  const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text)?.[0];
  const entities = [
    ...(command ? [{ type: 'bot_command' as const, offset: 0, length: command.length }] : []),
    ...(opts.entities ?? []),
  ];
  return {
    update_id: opts.updateId ?? nextUpdateId(),
    message: {
      message_id: nextUpdateId(),
      date: 1_764_576_000,
      chat: opts.chat ?? privateChat(userId),
      from: userOf(userId),
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...(opts.replyTo ? { reply_to_message: opts.replyTo } : {}),
    },
  } as Update;
}

/** A non-text message (sticker, photo…). */
export function mediaUpdate(userId: number, kind: 'sticker' | 'photo', chat?: Chat): Update {
  const media =
    kind === 'sticker'
      ? {
          sticker: {
            file_id: 'x',
            file_unique_id: 'x',
            type: 'regular',
            width: 1,
            height: 1,
            is_animated: false,
            is_video: false,
          },
        }
      : { photo: [{ file_id: 'x', file_unique_id: 'x', width: 1, height: 1 }] };
  return {
    update_id: nextUpdateId(),
    message: {
      message_id: nextUpdateId(),
      date: 1_764_576_000,
      chat: chat ?? privateChat(userId),
      from: userOf(userId),
      ...media,
    },
  } as Update;
}

/** A press of a button on a message the bot sent. */
export function callbackUpdate(userId: number, data: string, message: SentMessage): Update {
  return {
    update_id: nextUpdateId(),
    callback_query: {
      id: `cb-${nextUpdateId()}`,
      from: userOf(userId),
      chat_instance: 'ci',
      data,
      message: {
        message_id: message.messageId,
        date: 1_764_576_000,
        chat: chatOf(message.chatId),
        from: BOT_INFO,
        text: message.text,
        ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
      },
    },
  };
}

export function pollAnswerUpdate(userId: number, pollId: string, optionIds: number[]): Update {
  return {
    update_id: nextUpdateId(),
    poll_answer: { poll_id: pollId, user: userOf(userId), option_ids: optionIds, option_persistent_ids: [] },
  };
}

/** The label of the right option of a question message ("<title> – Câu i/n:\n<question>"). */
export function rightLabel(services: Pick<Services, 'quizzes'>, questionText: string): string {
  const m = /^(.*) – Câu (\d+)\/\d+:/.exec(questionText);
  const quiz = services.quizzes.list().find((q) => q.title === m?.[1]);
  const q = quiz?.questions[Number(m?.[2]) - 1];
  if (!q) throw new Error(`not a question: ${questionText}`);
  return q.options[q.answer] ?? '';
}

/** A learner in a chat with the bot, acting through whatever delivers updates (handleUpdate or a fake server). */
export class Learner {
  constructor(
    readonly api: FakeBotApi,
    readonly deliver: (u: Update) => Promise<void>,
    readonly userId: number,
    readonly chatId: number = userId,
  ) {}

  say(text: string, opts: { entities?: MessageEntity[]; replyTo?: Message } = {}): Promise<void> {
    return this.deliver(textUpdate(this.userId, text, { chat: chatOf(this.chatId), ...opts }));
  }

  /** The newest message in this chat that still shows a button matching `label`. */
  find(label: string | RegExp): { message: SentMessage; data: string } {
    const mine = [...this.api.messages.values()].filter((m) => m.chatId === this.chatId && m.replyMarkup).reverse();
    for (const message of mine) {
      for (const b of message.replyMarkup?.inline_keyboard.flat() ?? []) {
        const hit = typeof label === 'string' ? b.text === label : label.test(b.text);
        if (hit && 'callback_data' in b && b.callback_data) return { message, data: b.callback_data };
      }
    }
    throw new Error(`no button ${String(label)} in chat ${this.chatId}`);
  }

  press(label: string | RegExp): Promise<void> {
    const { message, data } = this.find(label);
    return this.deliver(callbackUpdate(this.userId, data, message));
  }

  lastMessage(): SentMessage {
    const all = [...this.api.messages.values()].filter((m) => m.chatId === this.chatId);
    const last = all[all.length - 1];
    if (!last) throw new Error('nothing sent yet');
    return last;
  }

  lastPoll(): SentMessage & { poll: NonNullable<SentMessage['poll']> } {
    const polls = [...this.api.messages.values()].filter((m) => m.chatId === this.chatId && m.poll);
    const last = polls[polls.length - 1];
    if (!last?.poll) throw new Error('no poll sent yet');
    return last as SentMessage & { poll: NonNullable<SentMessage['poll']> };
  }

  answerPoll(option: number): Promise<void> {
    return this.deliver(pollAnswerUpdate(this.userId, this.lastPoll().poll.id, [option]));
  }
}

/** Rows of the citizen's completion records, straight from SQLite. */
export function completions(services: Services, userId: number): { passes: number; finished: number } {
  const citizen = services.citizens.findByIdentity({ channel: 'telegram', userId: String(userId) });
  if (!citizen) return { passes: 0, finished: 0 };
  const passes = services.db.prepare('SELECT COUNT(*) AS n FROM quiz_passes WHERE citizen_id = ?').get(citizen.id) as {
    n: number;
  };
  const finished = services.db
    .prepare("SELECT COUNT(*) AS n FROM quiz_attempts WHERE citizen_id = ? AND status = 'finished'")
    .get(citizen.id) as { n: number };
  return { passes: passes.n, finished: finished.n };
}

/** `completions` on SQLite or PostgreSQL, through the rows of test/testService.ts. */
export async function completionsIn(
  s: Pick<TestService, 'citizens' | 'tables'>,
  userId: number,
): Promise<{ passes: number; finished: number }> {
  const citizen = await s.citizens.findByIdentity({ channel: 'telegram', userId: String(userId) });
  if (!citizen) return { passes: 0, finished: 0 };
  const passes = (await s.tables.rows('quiz_passes')).filter((r) => r.citizen_id === citizen.id);
  const finished = (await s.tables.rows('quiz_attempts')).filter(
    (r) => r.citizen_id === citizen.id && r.status === 'finished',
  );
  return { passes: passes.length, finished: finished.length };
}

/**
 * A small Bot API server on 127.0.0.1: every method answers like Telegram
 * (results from `FakeBotApi`), and `getUpdates` long-polls a queue the test
 * fills with `push`. Point `TELEGRAM_API_ROOT` at `url`.
 */
export interface FakeBotApiServer {
  readonly url: string;
  readonly api: FakeBotApi;
  push(update: Update): void;
  close(): Promise<void>;
}

export async function startFakeBotApiServer(token = TEST_TOKEN): Promise<FakeBotApiServer> {
  const { createServer } = await import('node:http');
  const api = new FakeBotApi();
  const queue: Update[] = [];
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of waiting) w();
    waiting.clear();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (!match || match[1] !== token)
          return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        const method = match[2] ?? '';
        const text = Buffer.concat(chunks).toString('utf8');
        const payload = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        if (method === 'getUpdates') {
          api.calls.push({ method, payload });
          const offset = Number(payload.offset ?? 0);
          while (queue.length > 0 && (queue[0]?.update_id ?? 0) < offset) queue.shift();
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              const done = () => resolve();
              waiting.add(done);
              setTimeout(done, Math.min(Number(payload.timeout ?? 0), 1) * 1000);
              req.once('close', done);
            });
          }
          return reply(200, { ok: true, result: queue.filter((u) => u.update_id >= offset).slice(0, 100) });
        }
        api.calls.push({ method, payload });
        return reply(200, { ok: true, result: api.resultOf(method, payload) });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    api,
    push(update) {
      queue.push(update);
      wake();
    },
    close: () =>
      new Promise<void>((resolve) => {
        wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `check` passes (the bot works in the background in polling mode). */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for the bot');
    await new Promise((r) => setTimeout(r, 10));
  }
}
