/**
 * The load side of `bench:telegram`, run in a worker thread so it has its own
 * core and never shares the service's event loop: it plays Telegram (posts
 * webhook updates over real HTTP to the service on 127.0.0.1, at most
 * `connections` at a time, as Telegram's `max_connections`) and plays the
 * learners, who read the messages the bot "sent" and press their buttons.
 *
 * What the bot sent reaches this thread one of two ways:
 *  - `port`: the service thread's in-process fake Bot API posts, after each
 *    update, what it recorded for that chat (the request carries its id);
 *  - `http`: this thread runs a fake Bot API server the bot calls over HTTP.
 *
 * Schedules: `closed` (C learners at a time, each update sent when the
 * previous answer came back) for the saturation throughput, and `open`
 * (updates offered at a fixed rate whatever the service does, latency timed
 * from when each was due, so a slow service cannot hide its queue).
 */
import { CookieJar } from './cookieJar.js';
import { createServer, Agent, request, type Server } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { telegramUpdate } from './telegramUpdates.js';
import { RecordingBotApi, type Shown } from './fakeBotApi.js';
import { mulberry32 } from './seeded.js';

export interface LoadJob {
  readonly url: string;
  readonly kind: 'telegram' | 'web';
  readonly secret: string;
  readonly shownVia: 'port' | 'http';
  readonly schedule:
    { readonly mode: 'closed'; readonly concurrency: number } | { readonly mode: 'open'; readonly rate: number };
  readonly learners: readonly number[];
  readonly connections: number;
  readonly questions: readonly string[];
  /** Quiz title → the right option's label, per question. */
  readonly answers: Readonly<Record<string, readonly string[]>>;
  readonly quizTitles: readonly string[];
}

export interface LoadResult {
  readonly updates: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly byKind: Record<string, number[]>;
  readonly passed: number;
  readonly apiCalls: number;
  readonly errors: number;
}

/** Messages from the service thread. */
export type ToLoad =
  | { readonly type: 'job'; readonly job: LoadJob }
  | { readonly type: 'shown'; readonly req: number; readonly shown: Shown[] }
  | { readonly type: 'exit' };

/** Messages to the service thread. */
export type FromLoad =
  | { readonly type: 'apiRoot'; readonly url: string }
  | { readonly type: 'done'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly error: string };

const port = parentPort;
if (!port) throw new Error('telegramLoad runs as a worker thread');

// ------------------------------------------------------------ fake Bot API (http mode) and shown-message joins

const fake = new RecordingBotApi();

async function startFakeApi(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = /\/([A-Za-z]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      const text = JSON.stringify({ ok: true, result: fake.handle(method, body) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server };
}

/** Per request id: the HTTP answer and (port mode) the shown messages, whichever comes first. */
const joins = new Map<number, { shown?: Shown[]; resolve?: (shown: Shown[]) => void }>();

function shownArrived(req: number, shown: Shown[]): void {
  const j = joins.get(req);
  if (j?.resolve) {
    joins.delete(req);
    j.resolve(shown);
  } else joins.set(req, { shown });
}

function waitShown(req: number): Promise<Shown[]> {
  const j = joins.get(req);
  if (j?.shown) {
    joins.delete(req);
    return Promise.resolve(j.shown);
  }
  return new Promise((resolve) => joins.set(req, { resolve }));
}

// ------------------------------------------------------------ HTTP client

let agent = new Agent({ keepAlive: true, maxSockets: 40, scheduling: 'fifo' });
let nextReq = 1;

/** The web baseline's residents, each with the session cookie the server gave them. */
const cookies = new CookieJar();

function post(url: string, path: string, body: string, headers: Record<string, string>, who?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
          ...(who ? cookies.header(who) : {}),
        },
      },
      (res) => {
        if (who) cookies.store(who, res.headers['set-cookie']);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

type Action =
  | { kind: 'start' | 'quizzes' | 'results' }
  | { kind: 'ask'; text: string }
  | { kind: 'press'; on: Shown; data: string };

let updateId = 1;

async function sendTelegram(job: LoadJob, learner: number, action: Action): Promise<Shown[]> {
  const update = telegramUpdate(
    updateId++,
    learner,
    action.kind === 'press'
      ? { kind: 'press', on: action.on, data: action.data }
      : {
          kind: 'text',
          text:
            action.kind === 'ask'
              ? action.text
              : { start: '/start', quizzes: '/quiz', results: '/ketqua' }[action.kind],
        },
  );
  const req = nextReq++;
  const headers = {
    'x-telegram-bot-api-secret-token': job.secret,
    'x-bench-chat': String(learner),
    'x-bench-req': String(req),
  };
  if (job.shownVia === 'port') {
    const [, shown] = await Promise.all([
      post(job.url, '/webhooks/telegram', JSON.stringify(update), headers),
      waitShown(req),
    ]);
    return shown;
  }
  await post(job.url, '/webhooks/telegram', JSON.stringify(update), headers);
  return fake.take(learner);
}

async function sendWeb(job: LoadJob, learner: number, action: Action): Promise<Shown[]> {
  const user = `u${learner}`;
  const body =
    action.kind === 'press'
      ? { user, choice: action.data }
      : action.kind === 'ask'
        ? { user, text: action.text }
        : { user, choice: { start: 'menu:start', quizzes: 'quiz:list', results: 'me:results' }[action.kind] };
  const json = JSON.parse(await post(job.url, '/api/chat', JSON.stringify(body), {}, user)) as {
    replies: { text: string; buttons?: { label: string; value: string }[] }[];
  };
  return json.replies.map((r, i) => ({
    messageId: i,
    text: r.text,
    buttons: (r.buttons ?? []).map((b) => ({ label: b.label, data: b.value })),
  }));
}

// ------------------------------------------------------------ schedules

/** Open loop: hands out arrival times at `rate` per second; a learner waits for one before each update. */
class Arrivals {
  private readonly waiting: ((due: number) => void)[] = [];
  private readonly due: number[] = [];
  private timer?: NodeJS.Timeout;
  private i = 0;
  private readonly t0 = performance.now();

  constructor(private readonly rate: number) {
    this.tick();
  }

  private tick(): void {
    const now = performance.now();
    while (this.t0 + (this.i * 1000) / this.rate <= now) this.due.push(this.t0 + (this.i++ * 1000) / this.rate);
    this.hand();
    const next = this.t0 + (this.i * 1000) / this.rate;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - performance.now()));
  }

  private hand(): void {
    while (this.due.length > 0 && this.waiting.length > 0) this.waiting.shift()?.(this.due.shift() ?? 0);
  }

  next(): Promise<number> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.hand();
    });
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  agent.destroy();
  // FIFO keeps every connection in use: a socket left idle past the server's keep-alive timeout
  // could be closed by the server just as it is reused (ECONNRESET, counted as an error).
  agent = new Agent({ keepAlive: true, maxSockets: job.connections, scheduling: 'fifo' });
  const callsBefore = fake.calls;
  const send = job.kind === 'telegram' ? sendTelegram : sendWeb;
  const out: { -readonly [K in keyof LoadResult]: LoadResult[K] } = {
    updates: 0,
    seconds: 0,
    latencies: [],
    byKind: {},
    passed: 0,
    apiCalls: 0,
    errors: 0,
  };
  const arrivals = job.schedule.mode === 'open' ? new Arrivals(job.schedule.rate) : undefined;

  async function learner(id: number): Promise<void> {
    const random = mulberry32(id);
    const act = async (action: Action): Promise<Shown[]> => {
      const t0 = arrivals ? await arrivals.next() : performance.now();
      const shown = await send(job, id, action);
      const took = performance.now() - t0;
      out.latencies.push(took);
      const kind = action.kind === 'press' ? (action.data.startsWith('quiz:a:') ? 'answer' : 'press') : action.kind;
      (out.byKind[kind] ??= []).push(took);
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
    await act({ kind: 'ask', text: job.questions[id % job.questions.length] ?? '' });
    const title = job.quizTitles[id % job.quizTitles.length] ?? '';
    let shown = await act({ kind: 'quizzes' });
    const go = button(shown, (label) => label.endsWith(title));
    if (!go) throw new Error('quiz button not shown');
    shown = await act({ kind: 'press', ...go });
    const skip = button(shown, (label) => label === 'Bỏ qua');
    if (skip) shown = await act({ kind: 'press', ...skip });
    let answered = 0;
    for (;;) {
      const question = [...shown].reverse().find((s) => s.buttons.some((b) => b.data.startsWith('quiz:a:')));
      if (!question) break;
      const m = /^(.*) – Câu (\d+)\/\d+:/.exec(question.text);
      const right = job.answers[m?.[1] ?? '']?.[Number(m?.[2]) - 1];
      const options = question.buttons.filter((b) => b.data.startsWith('quiz:a:'));
      const choice =
        random() < 0.85 ? options.find((b) => b.label === right) : options[Math.floor(random() * options.length)];
      if (!choice) throw new Error('no option to press');
      shown = await act({ kind: 'press', on: question, data: choice.data });
      answered++;
      if (answered === 3) {
        shown = await act({ kind: 'ask', text: job.questions[(id + 3) % job.questions.length] ?? '' });
        const resume = button(shown, (_l, data) => data === 'quiz:resume');
        if (resume) shown = await act({ kind: 'press', ...resume });
      }
    }
    if (shown.some((s) => s.text.includes('Chúc mừng'))) out.passed++;
    await act({ kind: 'results' });
  }

  const t0 = performance.now();
  const queue = [...job.learners];
  const lanes = job.schedule.mode === 'closed' ? job.schedule.concurrency : job.learners.length;
  await Promise.all(
    Array.from({ length: Math.min(lanes, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          await learner(id);
        } catch (err) {
          out.errors++;
          if (out.errors === 1) console.error(`learner ${id}:`, err);
        }
      }
    }),
  );
  arrivals?.stop();
  return { ...out, seconds: (performance.now() - t0) / 1000, apiCalls: fake.calls - callsBefore };
}

let fakeApi: { url: string; server: Server } | undefined;
port.on('message', (msg: ToLoad) => {
  if (msg.type === 'shown') shownArrived(msg.req, msg.shown);
  else if (msg.type === 'exit') {
    agent.destroy();
    fakeApi?.server.close();
    port.close();
  } else {
    runJob(msg.job).then(
      (result) => port.postMessage({ type: 'done', result } satisfies FromLoad),
      (err: unknown) => port.postMessage({ type: 'failed', error: String(err) } satisfies FromLoad),
    );
  }
});

void startFakeApi().then((api) => {
  fakeApi = api;
  port.postMessage({ type: 'apiRoot', url: api.url } satisfies FromLoad);
});
