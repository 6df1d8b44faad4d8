/**
 * `npm run bench:zalo` — the Zalo channel under load, end to end.
 *
 * The real service (`src/main.ts`, real SQLite temp file, no LLM) runs in a
 * child process with the Zalo channel on; this process plays Zalo on
 * 127.0.0.1: it posts signed webhook events and runs a fake OA API + OAuth
 * server (on a thread of its own, lib/fakeZaloThread) that receives the
 * replies. Per event it measures the time to the 200 (ack) and to the first
 * outgoing send, and the turn's end (the message carrying the numbered list).
 * Baseline in the same run: the same scripts unsigned through `POST
 * /api/chat`, where the HTTP answer is the reply.
 *
 * Workloads (closed loop, C virtual residents in parallel):
 *  - journey: follow → "1" (quizzes) → "1" (first quiz) → "2" (skip the form)
 *    → answers "1"… until the quiz ends (cheap engine turns);
 *  - questions: one golden-set question per new resident (retrieval-bound);
 *  - webhook only: signed redeliveries of events already handled, i.e. the
 *    answer path alone (read, verify, parse, de-duplicate in SQLite, 200).
 * Then two open-loop runs (events at a fixed offered rate from a load thread
 * of their own, lib/zaloOpenLoop, whatever the replies do): at the target
 * rate (default 300 events/s, issue 18's floor) and at half the journey throughput measured
 * above: the ack and send latency when the service is loaded and when it is not.
 *
 * `--profile DIR` writes a V8 CPU profile of the service there.
 * Figures are printed and written to bench/out/zalo.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { BENCH_LIMITS, CookieJar } from './lib/cookieJar.js';
import { followEvent, signed, textEvent } from '../test/fixtures/zalo.js';
import type { FakeZaloThreadInit, FromFakeZalo, ReportedSend } from './lib/fakeZaloThread.js';
import type { OpenLoopJob, OpenLoopResult } from './lib/zaloOpenLoop.js';
import { loadGolden } from './lib/golden.js';
import { ms, percentile, table } from './lib/metrics.js';
import { cpuSeconds } from './lib/procStats.js';
import { waitUntilReady } from './lib/serviceReady.js';
import { tempDir } from './lib/temp.js';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    journeys: { type: 'string', default: '400' },
    questions: { type: 'string', default: '600' },
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '6' },
    // Writes a V8 CPU profile of the service process into this folder (for finding where the time goes).
    profile: { type: 'string' },
  },
});
const C = Number(values.concurrency);
const JOURNEYS = Number(values.journeys);
const QUESTIONS = Number(values.questions);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
/** Issue 18's floors for one process on 2 cores: far above a commune's peak (Ngày hội 10/10). */
const FLOOR_TURNS = 500;
const FLOOR_ACK_MS = 10;

const APP_ID = '1234567890123456789';
const OA_SECRET = 'TestOaSecretKey123';
const APP_SECRET = 'bench-app-secret';
const now = (): number => performance.timeOrigin + performance.now();
/** Beyond this time to the send (p95) at the offered rate, replies queued: the service ran near capacity. */
const QUEUED_SEND_P95_MS = 100;

// ---------------------------------------------------------------- fake Zalo: who is waiting for which reply

interface TurnWaiter {
  readonly t0: number;
  first?: number;
  last?: number;
  lastText?: string;
  resolve: () => void;
  quiet?: NodeJS.Timeout;
}
const waiting = new Map<string, TurnWaiter>();
let sendsSeen = 0;
let lastSendAt = 0;

function onSend(s: ReportedSend): void {
  sendsSeen += 1;
  lastSendAt = s.at;
  if (s.userId.startsWith('open')) {
    const list = openReplies.get(s.userId);
    if (list) list.push(s.at);
    else openReplies.set(s.userId, [s.at]);
    return;
  }
  const w = waiting.get(s.userId);
  if (!w) return;
  w.first ??= s.at;
  w.last = s.at;
  w.lastText = s.text;
  if (w.quiet) clearTimeout(w.quiet);
  // A turn ends with the message that carries the numbered list; a turn without one ends after 50 ms of quiet.
  if (s.text.includes('👉')) w.resolve();
  else w.quiet = setTimeout(w.resolve, 50);
}

/** The fake Zalo API on its own thread (see lib/fakeZaloThread); its sends arrive here in batches. */
function startFakeZaloThread(init: FakeZaloThreadInit): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(new URL('./lib/fakeZaloThread.worker.mjs', import.meta.url), { workerData: init });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: FromFakeZalo) => {
      if (m.type === 'sends') {
        for (const s of m.sends) onSend(s);
        return;
      }
      resolve({
        url: m.url,
        close: async () => {
          const exited = new Promise((r) => worker.once('exit', r));
          worker.postMessage('close');
          await exited;
        },
      });
    });
  });
}

// ---------------------------------------------------------------- HTTP client

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** The web baseline's residents, each with the session cookie the server gave them. */
const cookies = new CookieJar();

function post(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
  who?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, ...(who ? cookies.header(who) : {}), 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        if (who) cookies.store(who, res.headers['set-cookie']);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- the service under test

async function startService(dir: string, fakeUrl: string): Promise<{ port: number; child: ChildProcess }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'bench.db'),
      LOG_LEVEL: 'error',
      ...BENCH_LIMITS,
      ZALO_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_REFRESH_TOKEN: 'bench-refresh-0',
      ZALO_API_BASE: fakeUrl,
      ZALO_OAUTH_BASE: fakeUrl,
      // Bench traffic is far above Zalo's real rate: a body limit or window must not be what is measured.
      ZALO_SIGNATURE_WINDOW_SECONDS: '300',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilReady(port, child);
  return { port, child };
}

// ---------------------------------------------------------------- one turn, both ways

interface TurnFigures {
  readonly ack: number;
  readonly first: number;
  readonly done: number;
  readonly lastText: string;
}

let msgCounter = 0;

async function zaloTurn(port: number, user: string, text: string): Promise<TurnFigures> {
  const at = new Date();
  const event =
    text === 'follow' ? followEvent(user, at) : textEvent(user, text, at, `bench${(msgCounter++).toString(16)}`);
  const d = signed(event);
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const t0 = now();
  const w: TurnWaiter = { t0, resolve };
  waiting.set(user, w);
  const res = await post(port, '/webhooks/zalo', d.body, d.headers);
  const ack = now() - t0;
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
  const timeout = setTimeout(resolve, 15_000);
  await done;
  clearTimeout(timeout);
  if (w.quiet) clearTimeout(w.quiet);
  waiting.delete(user);
  return { ack, first: (w.first ?? NaN) - t0, done: (w.last ?? NaN) - t0, lastText: w.lastText ?? '' };
}

async function chatTurn(port: number, user: string, text: string): Promise<TurnFigures> {
  const body = JSON.stringify(text === 'follow' ? { user, choice: 'menu:start' } : { user, text });
  const t0 = now();
  const res = await post(port, '/api/chat', body, { 'content-type': 'application/json' }, user);
  const t = now() - t0;
  if (res.status !== 200) throw new Error(`/api/chat answered ${res.status}`);
  const replies = (JSON.parse(res.body) as { replies: { text: string }[] }).replies;
  return { ack: t, first: t, done: t, lastText: replies.at(-1)?.text ?? '' };
}

type Turn = (port: number, user: string, text: string) => Promise<TurnFigures>;

/** follow → quiz list → first quiz → skip the form → answer "1" until the quiz ends. */
async function journey(turn: Turn, port: number, user: string, out: TurnFigures[]): Promise<void> {
  for (const step of ['follow', '1', '1', '2'] as const) out.push(await turn(port, user, step));
  for (let i = 0; i < 30; i++) {
    const f = await turn(port, user, '1');
    out.push(f);
    if (!/Câu \d+\/\d+/.test(f.lastText)) return;
  }
}

let servicePid = 0;

async function closedLoop(label: string, tasks: number, run: (i: number, out: TurnFigures[]) => Promise<void>) {
  const out: TurnFigures[] = [];
  let next = 0;
  const t0 = now();
  const cpu0 = cpuSeconds(servicePid);
  const self0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < tasks) await run(next++, out);
    }),
  );
  const seconds = (now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const serviceCpu = (cpuSeconds(servicePid) - cpu0) / seconds;
  const loadCpu = (self.user + self.system) / 1e6 / seconds;
  return { label, events: out.length, seconds, perSecond: out.length / seconds, figures: out, serviceCpu, loadCpu };
}

function summary(r: Awaited<ReturnType<typeof closedLoop>>) {
  const col = (k: keyof Omit<TurnFigures, 'lastText'>) => r.figures.map((f) => f[k]).filter(Number.isFinite);
  return {
    label: r.label,
    events: r.events,
    eventsPerSecond: Math.round(r.perSecond),
    ackP50: percentile(col('ack'), 50),
    ackP95: percentile(col('ack'), 95),
    firstSendP50: percentile(col('first'), 50),
    firstSendP95: percentile(col('first'), 95),
    turnDoneP95: percentile(col('done'), 95),
    serviceCpu: Number(r.serviceCpu.toFixed(2)),
    loadCpu: Number(r.loadCpu.toFixed(2)),
  };
}

/** Reply times of open-loop residents: user → arrival times of the messages they were sent, in order. */
const openReplies = new Map<string, number[]>();

/**
 * Open loop: events at a fixed offered rate from a load thread of its own
 * (lib/zaloOpenLoop), whatever the replies do. Each journey event gets exactly
 * one reply, so a resident's k-th reply answers its k-th event: that gives the
 * time to the outgoing send.
 */
async function openLoop(port: number, rate: number, seconds: number) {
  const prefix = `open${(openRuns++).toString(36)}`;
  const sendsBefore = sendsSeen;
  const worker = new Worker(new URL('./lib/zaloOpenLoop.worker.mjs', import.meta.url), {
    workerData: { port, rate, seconds, prefix } satisfies OpenLoopJob,
  });
  const r = await new Promise<OpenLoopResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  // Wait until the replies stop coming (the service drains what it queued).
  while (now() - lastSendAt < 1000) await new Promise((res) => setTimeout(res, 200));
  const toSend: number[] = [];
  let unanswered = 0;
  for (const [user, posts] of Object.entries(r.posted)) {
    const replies = openReplies.get(user) ?? [];
    posts.forEach((p, k) => {
      const reply = replies[k];
      if (reply === undefined) unanswered += 1;
      else toSend.push(reply - p);
    });
    openReplies.delete(user);
  }
  const total = r.acks.length;
  return {
    offeredPerSecond: rate,
    events: total,
    failures: r.failures,
    firstError: r.firstError,
    ackedPerSecond: Math.round(total / ((r.ackedAt - r.startedAt) / 1000)),
    ackP50: percentile([...r.acks], 50),
    ackP95: percentile([...r.acks], 95),
    ackP99: percentile([...r.acks], 99),
    sendP50: percentile(toSend, 50),
    sendP95: percentile(toSend, 95),
    unanswered,
    repliesSent: sendsSeen - sendsBefore,
    allRepliesSentAfterSeconds: Number(((lastSendAt - r.startedAt) / 1000).toFixed(2)),
  };
}
let openRuns = 0;

// ---------------------------------------------------------------- run

async function main(): Promise<void> {
  const work = tempDir();
  const fake = await startFakeZaloThread({ appSecret: APP_SECRET, refreshToken: 'bench-refresh-0' });
  const service = await startService(work.dir, fake.url);
  try {
    const port = service.port;
    servicePid = service.child.pid ?? 0;
    const questions = loadGolden('bench/golden')
      .filter((q) => !q.oos)
      .map((q) => q.q);
    // Warm-up (token refresh, JIT, caches).
    await closedLoop('warm-up', C, (i, out) => journey(zaloTurn, port, `warm-${i}`, out));

    const zJourney = await closedLoop('zalo journey', JOURNEYS, (i, out) => journey(zaloTurn, port, `zj-${i}`, out));
    const cJourney = await closedLoop('/api/chat journey (baseline)', JOURNEYS, (i, out) =>
      journey(chatTurn, port, `cj-${i}`, out),
    );
    const zQuestions = await closedLoop('zalo questions', QUESTIONS, async (i, out) => {
      out.push(await zaloTurn(port, `zq-${i}`, questions[i % questions.length] ?? 'vneid'));
    });
    const cQuestions = await closedLoop('/api/chat questions (baseline)', QUESTIONS, async (i, out) => {
      out.push(await chatTurn(port, `cq-${i}`, questions[i % questions.length] ?? 'vneid'));
    });
    const seen = signed(textEvent('dup-user', 'xin chào', new Date(), 'bench-dup'));
    await post(port, '/webhooks/zalo', seen.body, seen.headers);
    const zAcks = await closedLoop('zalo webhook only (redeliveries)', JOURNEYS * 10, async (_i, out) => {
      const t0 = now();
      const res = await post(port, '/webhooks/zalo', seen.body, seen.headers);
      const t = now() - t0;
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      out.push({ ack: t, first: NaN, done: NaN, lastText: '' });
    });
    const open = await openLoop(port, RATE, SECONDS);
    const sustainable = await openLoop(port, Math.max(10, Math.round(summary(zJourney).eventsPerSecond / 2)), SECONDS);

    const rows = [zJourney, cJourney, zQuestions, cQuestions, zAcks].map(summary);
    console.log(
      `\nbench:zalo — ${cpus().length} CPU(s), ${cpus()[0]?.model ?? '?'}, Node ${process.version}, C=${C}\n`,
    );
    console.log(
      table(
        [
          'workload',
          'events',
          'events/s',
          'ack p50',
          'ack p95',
          '1st send p50',
          '1st send p95',
          'turn done p95',
          'CPU service/load',
        ],
        rows.map((r) => [
          r.label,
          String(r.events),
          String(r.eventsPerSecond),
          ms(r.ackP50),
          ms(r.ackP95),
          ms(r.firstSendP50),
          ms(r.firstSendP95),
          ms(r.turnDoneP95),
          `${r.serviceCpu.toFixed(2)} / ${r.loadCpu.toFixed(2)}`,
        ]),
      ),
    );
    console.log('(baseline rows: the HTTP answer is the reply, so ack = first send = the reply time)\n');
    for (const o of [open, sustainable]) {
      console.log(
        `open loop, journey events offered at ${o.offeredPerSecond}/s for ${SECONDS} s: acked ${o.ackedPerSecond}/s, ` +
          `ack p50 ${ms(o.ackP50)}, p95 ${ms(o.ackP95)}, p99 ${ms(o.ackP99)}; ` +
          `send p50 ${ms(o.sendP50)}, p95 ${ms(o.sendP95)}; ` +
          `${o.repliesSent} replies, the last ${o.allRepliesSentAfterSeconds} s after the first event; ` +
          `failures ${o.failures}${o.firstError ? ` (first: ${o.firstError})` : ''}, unanswered ${o.unanswered}`,
      );
    }
    // The verdict against the issue's targets, in words, so a reader need not work it out. At the offered
    // rate the service keeps up when every event is answered and the last reply goes out within 10% of the
    // run's length (no backlog left); a send p95 over QUEUED_SEND_P95_MS says it got there near capacity.
    const keptUp = open.failures === 0 && open.unanswered === 0 && open.allRepliesSentAfterSeconds <= SECONDS * 1.1;
    const fullTurns = summary(zJourney);
    const queued =
      open.sendP95 > QUEUED_SEND_P95_MS ? `, near capacity: replies queued up to ~${ms(open.sendP95)}` : '';
    console.log(
      `\nFloors (issue 18, one process): ≥ ${FLOOR_TURNS} full turns/s for signed events, ack p95 ≤ ${FLOOR_ACK_MS} ms at ${RATE}/s offered.\n` +
        `  full turns: ${fullTurns.eventsPerSecond}/s closed loop (C=${C}); at ${RATE}/s offered the replies ` +
        (keptUp
          ? `kept up (the last ${open.allRepliesSentAfterSeconds} s after the first event, for ${SECONDS} s of events; send p95 ${ms(open.sendP95)}${queued})`
          : `fell behind (the last ${open.allRepliesSentAfterSeconds} s after the first event, for ${SECONDS} s of events; ${open.unanswered} unanswered)`) +
        ` → ${fullTurns.eventsPerSecond >= FLOOR_TURNS && keptUp ? 'met' : 'NOT met'}\n` +
        `  ack p95 at ${RATE}/s offered: ${ms(open.ackP95)} → ${open.ackP95 <= FLOOR_ACK_MS && open.failures === 0 ? 'met' : 'NOT met'}`,
    );
    mkdirSync('bench/out', { recursive: true });
    writeFileSync(
      'bench/out/zalo.json',
      `${JSON.stringify({ cpus: cpus().length, node: process.version, concurrency: C, closedLoop: rows, openLoop: [open, sustainable] }, null, 2)}\n`,
    );
  } finally {
    service.child.kill('SIGTERM');
    await new Promise((r) => service.child.once('exit', r));
    await fake.close();
    agent.destroy();
    work.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
