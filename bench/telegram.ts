/**
 * `npm run bench:telegram` — webhook throughput of the Telegram channel.
 *
 * 1,000 simulated learners (default) each start the bot, ask questions, take
 * a quiz by pressing its buttons (right about 80% of the time, with one
 * question asked mid-quiz and the quiz resumed) and read their results. Every
 * update goes through the real route (`POST /webhooks/telegram` on the
 * service's Hono app, called in-process with `app.fetch`), the real bot, the
 * real engine and a real SQLite file; no LLM. Outgoing Bot API calls go to a
 * local fake, never to the network:
 *
 *   - `telegram (fake API in-process)`: the fake sits in the API client as a transformer;
 *   - `telegram (fake API over loopback HTTP)`: grammY's real HTTP client talks to a fake
 *     Bot API server on 127.0.0.1 (what a self-hosted Bot API server would cost);
 *   - baseline `web /api/chat`: the same learners and script through the web chat API of the
 *     same app, so the figures say what the Telegram adapter adds on top of the engine.
 *
 * Learners run `--concurrency` at a time (default 40, Telegram's default
 * webhook `max_connections`); each learner's updates are sequential, as
 * Telegram delivers one chat's updates one at a time. The throttler is off in
 * these runs: it deliberately caps sends at 30 messages/s overall (see
 * `--throttled`, which runs a small extra group with it on).
 * Figures are printed and written to bench/out/telegram.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Transformer } from 'grammy';
import { BOT_INFO } from '../test/integration/telegramFixtures.js';
import type { Hono } from 'hono';
import { loadTelegramConfig } from '../src/channels/telegram/config.js';
import { MemoryTelegramStore, type TelegramStore } from '../src/channels/telegram/store.js';
import { createTelegramRuntime } from '../src/channels/telegram/runtime.js';
import { WEBHOOK_PATH } from '../src/channels/telegram/webhook.js';
import { loadWebAssets } from '../src/channels/web/assets.js';
import { createWebChat } from '../src/channels/web/chatApi.js';
import { loadConfig } from '../src/config.js';
import { createApp } from '../src/http/app.js';
import { createLogger } from '../src/logger.js';
import { createServices, systemClock, type Services } from '../src/services.js';
import { SqliteTelegramStore } from '../src/storage/sqlite/telegramRepo.js';
import { ms, percentile, table } from './lib/metrics.js';
import { tempDir } from './lib/temp.js';

const { values: args } = parseArgs({
  options: {
    learners: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '50' },
    serial: { type: 'string', default: '100' },
    throttled: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const LEARNERS = Number(args.learners);
const CONCURRENCY = Number(args.concurrency);
const WARMUP = Number(args.warmup);
const SERIAL = Number(args.serial);
const THROTTLED = Number(args.throttled);
const ROUNDS = Math.max(1, Number(args.rounds));

const TOKEN = '123456789:BENCH-token_for-local-fake-only';
const SECRET = 'bench_secret';

const QUESTIONS = [
  'cách kích hoạt tài khoản vneid mức 2',
  'quên mật khẩu VNeID thì làm sao?',
  'nop ho so dich vu cong truc tuyen nhu the nao',
  'có người gọi xưng công an đòi mã OTP thì làm gì',
  'đăng ký tạm trú trên vneid',
  'Bình dân học vụ số là gì',
];

const logger = createLogger('silent');
const work = tempDir();

/** One message a learner sees: its text and its buttons (label, and what pressing sends back). */
interface Shown {
  readonly messageId: number;
  readonly text: string;
  readonly buttons: readonly { label: string; data: string }[];
  readonly markup?: unknown;
}

/** The fake Bot API: answers like Telegram and keeps, per chat, what was shown since the last update. */
class FakeBotApi {
  calls = 0;
  private nextId = 1;
  private readonly shown = new Map<number, Shown[]>();

  handle(method: string, p: Record<string, unknown>): unknown {
    this.calls++;
    const chatId = Number(p.chat_id);
    const chat = { id: chatId, type: 'private', first_name: 'Lan' };
    if (method === 'sendMessage' || method === 'editMessageText') {
      const markup = p.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
      const messageId = method === 'sendMessage' ? this.nextId++ : Number(p.message_id);
      const buttons = (markup?.inline_keyboard ?? []).flat().map((b) => ({ label: b.text, data: b.callback_data }));
      const list = this.shown.get(chatId) ?? [];
      list.push({ messageId, text: String(p.text), buttons, markup });
      this.shown.set(chatId, list);
      return { message_id: messageId, date: 1_764_576_000, chat, text: p.text };
    }
    return true;
  }

  take(chatId: number): Shown[] {
    const list = this.shown.get(chatId) ?? [];
    this.shown.delete(chatId);
    return list;
  }

  readonly transport: Transformer = (_prev, method, payload) =>
    Promise.resolve({ ok: true, result: this.handle(method, (payload ?? {}) as Record<string, unknown>) } as never);

  /** The same fake as an HTTP server on 127.0.0.1 (grammY's real client, node-fetch with keep-alive). */
  async listen(): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = /\/([A-Za-z]+)$/.exec(req.url ?? '')?.[1] ?? '';
        const body = chunks.length
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {};
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result: this.handle(method, body) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
  }
}

/** What a learner does; each client turns it into its own request. */
type Action =
  | { kind: 'start' | 'quizzes' | 'results' }
  | { kind: 'ask'; text: string }
  | { kind: 'press'; on: Shown; data: string };

interface Client {
  readonly name: string;
  send(learner: number, action: Action): Promise<Shown[]>;
}

let updateId = 1;

function telegramClient(name: string, app: Hono, api: FakeBotApi): Client {
  const post = async (update: unknown): Promise<void> => {
    const res = await app.fetch(
      new Request(`http://localhost${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      }),
    );
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await res.arrayBuffer();
  };
  return {
    name,
    async send(learner, action) {
      const chat = { id: learner, type: 'private', first_name: 'Lan' };
      const from = { id: learner, is_bot: false, first_name: 'Lan' };
      const message = (text: string) => {
        const command = /^\/\w+/.exec(text)?.[0];
        return {
          message_id: updateId,
          date: 1_764_576_000,
          chat,
          from,
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
        };
      };
      const update_id = updateId++;
      if (action.kind === 'press') {
        const on = { message_id: action.on.messageId, date: 1_764_576_000, chat, from: BOT_INFO, text: action.on.text };
        const cb = {
          id: `cb${update_id}`,
          from,
          chat_instance: 'ci',
          data: action.data,
          message: { ...on, reply_markup: action.on.markup },
        };
        await post({ update_id, callback_query: cb });
      } else {
        const text =
          action.kind === 'ask' ? action.text : { start: '/start', quizzes: '/quiz', results: '/ketqua' }[action.kind];
        await post({ update_id, message: message(text) });
      }
      return api.take(learner);
    },
  };
}

function webClient(app: Hono): Client {
  return {
    name: 'baseline: web /api/chat',
    async send(learner, action) {
      const body =
        action.kind === 'press'
          ? { user: `u${learner}`, choice: action.data }
          : action.kind === 'ask'
            ? { user: `u${learner}`, text: action.text }
            : {
                user: `u${learner}`,
                choice: { start: 'menu:start', quizzes: 'quiz:list', results: 'me:results' }[action.kind],
              };
      const res = await app.fetch(
        new Request('http://localhost/api/chat', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
      if (res.status !== 200) throw new Error(`/api/chat answered ${res.status}`);
      const json = (await res.json()) as { replies: { text: string; buttons?: { label: string; value: string }[] }[] };
      return json.replies.map((r, i) => ({
        messageId: i,
        text: r.text,
        buttons: (r.buttons ?? []).map((b) => ({ label: b.label, data: b.value })),
      }));
    },
  };
}

/** Deterministic per-learner randomness. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The right option's label of a question text ("<title> – Câu i/n:\n…"). */
function rightLabel(services: Services, text: string): string | undefined {
  const m = /^(.*) – Câu (\d+)\/\d+:/.exec(text);
  const quiz = services.quizzes.list().find((q) => q.title === m?.[1]);
  const q = quiz?.questions[Number(m?.[2]) - 1];
  return q ? q.options[q.answer] : undefined;
}

interface Outcome {
  updates: number;
  latencies: number[];
  /** Latencies by what the learner did (press, ask, start…). */
  byKind: Map<string, number[]>;
  passed: number;
}

async function learnerScript(client: Client, services: Services, learner: number, out: Outcome): Promise<void> {
  const random = rng(learner);
  const quizzes = services.quizzes.list();
  const act = async (action: Action): Promise<Shown[]> => {
    const t0 = performance.now();
    const shown = await client.send(learner, action);
    const took = performance.now() - t0;
    out.latencies.push(took);
    const kind = action.kind === 'press' ? (action.data.startsWith('quiz:a:') ? 'answer' : 'press') : action.kind;
    out.byKind.set(kind, [...(out.byKind.get(kind) ?? []), took]);
    out.updates++;
    return shown;
  };
  const button = (shown: Shown[], pick: (label: string, data: string) => boolean) => {
    for (const s of [...shown].reverse()) {
      const b = s.buttons.find((x) => pick(x.label, x.data));
      if (b) return { on: s, data: b.data };
    }
    return undefined;
  };

  await act({ kind: 'start' });
  await act({ kind: 'ask', text: QUESTIONS[learner % QUESTIONS.length] ?? '' });
  const quiz = quizzes[learner % quizzes.length];
  let shown = await act({ kind: 'quizzes' });
  const go = button(shown, (label) => quiz !== undefined && label.endsWith(quiz.title));
  if (!go) throw new Error('quiz button not shown');
  shown = await act({ kind: 'press', ...go });
  const skip = button(shown, (label) => label === 'Bỏ qua');
  if (skip) shown = await act({ kind: 'press', ...skip });
  let answered = 0;
  for (;;) {
    const question = [...shown].reverse().find((s) => s.buttons.some((b) => b.data.startsWith('quiz:a:')));
    if (!question) break;
    const right = rightLabel(services, question.text);
    const options = question.buttons.filter((b) => b.data.startsWith('quiz:a:'));
    const choice =
      random() < 0.85 ? options.find((b) => b.label === right) : options[Math.floor(random() * options.length)];
    if (!choice) throw new Error('no option to press');
    shown = await act({ kind: 'press', on: question, data: choice.data });
    answered++;
    if (answered === 3) {
      shown = await act({ kind: 'ask', text: QUESTIONS[(learner + 3) % QUESTIONS.length] ?? '' });
      const resume = button(shown, (_l, data) => data === 'quiz:resume');
      if (resume) shown = await act({ kind: 'press', ...resume });
    }
  }
  if (shown.some((s) => s.text.includes('Chúc mừng'))) out.passed++;
  await act({ kind: 'results' });
}

async function runLearners(
  client: Client,
  services: Services,
  ids: number[],
  concurrency = CONCURRENCY,
): Promise<Outcome & { seconds: number; cpu: number }> {
  const out: Outcome = { updates: 0, latencies: [], byKind: new Map(), passed: 0 };
  const queue = [...ids];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, ids.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await learnerScript(client, services, id, out);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  return { ...out, seconds, cpu: (used.user + used.system) / 1e6 / seconds };
}

let databases = 0;

/** A new database file for every measurement: a later round must not meet the learners of an earlier one. */
async function freshServices(name: string): Promise<Services> {
  databases++;
  const config = loadConfig({
    DATABASE_PATH: join(work.dir, `${name}-${databases}.db`),
    KNOWLEDGE_DIR: 'knowledge',
    LOG_LEVEL: 'silent',
  });
  const services = createServices(config, logger);
  await services.ingest();
  return services;
}

function telegramApp(
  services: Services,
  api: FakeBotApi,
  apiRoot: string | undefined,
  throttle: boolean,
  store: TelegramStore = new SqliteTelegramStore(services.db, services.config.COMMUNE_ID),
): Hono {
  const config = loadTelegramConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_URL: 'https://bench.invalid',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_THROTTLE: throttle ? 'on' : 'off',
    ...(apiRoot ? { TELEGRAM_API_ROOT: apiRoot } : {}),
  });
  if (!config) throw new Error('telegram config expected');
  const runtime = createTelegramRuntime({
    config,
    engine: services.engine,
    store,
    logger,
    clock: systemClock,
    bot: { botInfo: BOT_INFO, ...(apiRoot ? {} : { transport: api.transport }) },
  });
  return createApp({
    webhooks: runtime.webhooks ?? [],
    chat: createWebChat(services.engine),
    healthy: () => true,
    assets: loadWebAssets(),
    logger,
    maxBodyBytes: 64_000,
  });
}

interface Row {
  name: string;
  learners: number;
  updates: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Handling time of one update with nothing else in flight (SERIAL more learners, one at a time). */
  soloP50: number;
  soloP95: number;
  /** Alone, by kind of update: [kind, count, p50, p95]. */
  soloByKind: [string, number, number, number][];
  cpuCores: number;
  passed: number;
  apiCalls?: number;
}

async function measure(
  name: string,
  make: (services: Services) => Promise<{ client: Client; api?: FakeBotApi; close?: () => Promise<void> }>,
  learners: number,
): Promise<Row> {
  const services = await freshServices(name.replace(/\W+/g, '-'));
  const { client, api, close } = await make(services);
  await runLearners(
    client,
    services,
    Array.from({ length: WARMUP }, (_, i) => 9_000_000 + i),
  );
  const calls0 = api?.calls ?? 0;
  const r = await runLearners(
    client,
    services,
    Array.from({ length: learners }, (_, i) => 1_000_000 + i),
  );
  const solo = await runLearners(
    client,
    services,
    Array.from({ length: SERIAL }, (_, i) => 2_000_000 + i),
    1,
  );
  await close?.();
  services.close();
  return {
    name,
    learners,
    updates: r.updates,
    perSecond: r.updates / r.seconds,
    p50: percentile(r.latencies, 50),
    p95: percentile(r.latencies, 95),
    p99: percentile(r.latencies, 99),
    soloP50: percentile(solo.latencies, 50),
    soloP95: percentile(solo.latencies, 95),
    soloByKind: [...solo.byKind.entries()].map(([k, v]) => [k, v.length, percentile(v, 50), percentile(v, 95)]),
    cpuCores: r.cpu,
    passed: r.passed,
    ...(api ? { apiCalls: api.calls - calls0 } : {}),
  };
}

type Make = (services: Services) => Promise<{ client: Client; api?: FakeBotApi; close?: () => Promise<void> }>;

const VARIANTS: { name: string; make: Make }[] = [
  {
    name: 'telegram (fake API in-process)',
    make: (services) => {
      const api = new FakeBotApi();
      return Promise.resolve({ client: telegramClient('tg', telegramApp(services, api, undefined, false), api), api });
    },
  },
  {
    name: 'telegram (fake API over loopback HTTP)',
    make: async (services) => {
      const api = new FakeBotApi();
      const { url, server } = await api.listen();
      return {
        client: telegramClient('tg-http', telegramApp(services, api, url, false), api),
        api,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  },
  {
    name: 'telegram, dedupe etc. in memory (no SQLite writes of its own)',
    make: (services) => {
      const api = new FakeBotApi();
      const app = telegramApp(services, api, undefined, false, new MemoryTelegramStore());
      return Promise.resolve({ client: telegramClient('tg-mem', app, api), api });
    },
  },
  {
    name: 'baseline: web /api/chat',
    make: (services) => {
      const app = createApp({
        chat: createWebChat(services.engine),
        healthy: () => true,
        assets: loadWebAssets(),
        logger,
        maxBodyBytes: 64_000,
      });
      return Promise.resolve({ client: webClient(app) });
    },
  },
];

async function main(): Promise<void> {
  // The machines are shared: variants alternate round by round, and each keeps its best round.
  const variants = VARIANTS.filter((v) => !args.only || v.name.includes(args.only));
  const all: Row[][] = variants.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, v] of variants.entries()) {
      const row = await measure(v.name, v.make, LEARNERS);
      all[i]?.push(row);
      console.error(`round ${round + 1}/${ROUNDS} ${v.name}: ${row.perSecond.toFixed(0)} updates/s`);
    }
  }
  const rows: Row[] = all.map((rs) => rs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a)));
  if (THROTTLED > 0) {
    rows.push(
      await measure(
        'telegram, throttler on (in-process fake)',
        (services) => {
          const api = new FakeBotApi();
          return Promise.resolve({
            client: telegramClient('throttled', telegramApp(services, api, undefined, true), api),
            api,
          });
        },
        THROTTLED,
      ),
    );
  }

  console.log(
    `\nTelegram webhook benchmark: ${LEARNERS} learners, ${CONCURRENCY} at a time, warm-up ${WARMUP}, best of ${ROUNDS} rounds; ` +
      `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
  );
  console.log(
    table(
      [
        'run',
        'learners',
        'updates',
        'updates/s',
        `p50 (${CONCURRENCY} in flight)`,
        'p95',
        'p99',
        'p50 alone',
        'p95 alone',
        'CPU cores',
        'passed',
        'Bot API calls',
      ],
      rows.map((r) => [
        r.name,
        String(r.learners),
        String(r.updates),
        r.perSecond.toFixed(0),
        ms(r.p50),
        ms(r.p95),
        ms(r.p99),
        ms(r.soloP50),
        ms(r.soloP95),
        r.cpuCores.toFixed(2),
        String(r.passed),
        r.apiCalls === undefined ? '—' : String(r.apiCalls),
      ]),
    ),
  );
  for (const r of rows) {
    console.log(`\n${r.name}: handling time alone, by kind of update`);
    console.log(
      table(
        ['update', 'count', 'p50', 'p95'],
        r.soloByKind.map(([k, n, p50, p95]) => [k, String(n), ms(p50), ms(p95)]),
      ),
    );
  }
  const tg = rows[0];
  const web = rows.find((r) => r.name.startsWith('baseline'));
  if (tg && web) {
    console.log(
      `\nTelegram (in-process fake API) vs the web chat baseline: ${((tg.perSecond / web.perSecond) * 100).toFixed(0)}% of its updates/s, ` +
        `handling p95 alone ${ms(tg.soloP95)} vs ${ms(web.soloP95)}. Targets: ≥ 1,500 updates/s, p95 ≤ 10 ms.`,
    );
  }
  mkdirSync(join('bench', 'out'), { recursive: true });
  writeFileSync(
    join('bench', 'out', 'telegram.json'),
    `${JSON.stringify({ learners: LEARNERS, concurrency: CONCURRENCY, rounds: ROUNDS, node: process.version, loadAverage: loadavg(), rows, all }, null, 2)}\n`,
  );
  work.cleanup();
}

main().catch((err: unknown) => {
  console.error(err);
  work.cleanup();
  process.exit(1);
});
