/**
 * The mixed load of `bench:scale`: residents on Telegram (webhook updates
 * with the real secret token), on Zalo (events signed with the OA secret
 * key) and on the web chat (`POST /api/chat` with each one's session
 * cookie), each taking a quiz to the end the way a person does: read what
 * was shown, press or type the right answer, wait for the next question.
 *
 * Requests go round-robin over the service's ports (one or several
 * processes on one database; a port that refused a connection is skipped
 * for a few seconds, as a load balancer would). A webhook that fails — a non-2xx answer or a
 * dropped connection — is delivered again to the next port after a short
 * pause, as Telegram and Zalo redeliver; a web request that fails is sent
 * again too, as a resident presses again. Replies reach the residents
 * through the fake Telegram and Zalo APIs (`Inbox.push`) or the web's HTTP
 * answer; every step's "Câu k/N" (and the result, step N + 1) is recorded
 * per resident in arrival order, for lib/orderCheck.
 */
import { Agent, request } from 'node:http';
import { followEvent, signed, textEvent } from '../../test/fixtures/zalo.js';
import { telegramUpdate } from './telegramUpdates.js';
import type { Quiz } from '../../src/core/quiz/types.js';
import { CookieJar } from './cookieJar.js';

export type ChannelName = 'telegram' | 'zalo' | 'web';

/** One message a resident was shown: its text and its choices (button data, or the number to type on Zalo). */
export interface Seen {
  readonly text: string;
  readonly buttons: readonly { label: string; data: string }[];
  /** Telegram: the message id and keyboard, for a press on it. */
  readonly messageId?: number;
  readonly markup?: unknown;
}

/** Replies as they arrive, per resident; a resident waits for the one that ends its turn. */
export class Inbox {
  private readonly queues = new Map<string, Seen[]>();
  private readonly waiters = new Map<string, () => void>();

  push(who: string, seen: Seen): void {
    const q = this.queues.get(who);
    if (q) q.push(seen);
    else this.queues.set(who, [seen]);
    this.waiters.get(who)?.();
  }

  /** Takes what arrived up to and including the first message `ends` accepts; undefined after `timeoutMs`. */
  async until(who: string, ends: (s: Seen) => boolean, timeoutMs: number): Promise<Seen[] | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const q = this.queues.get(who) ?? [];
      const i = q.findIndex(ends);
      if (i >= 0) return q.splice(0, i + 1);
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.set(who, () => {
          clearTimeout(t);
          resolve();
        });
      });
      this.waiters.delete(who);
    }
  }
}

/** The numbered choices of a Zalo text ("1. …" lines) as buttons whose data is the number to type. */
export function zaloSeen(text: string): Seen {
  const buttons = [...text.matchAll(/^(\d{1,2})\. (.+)$/gmu)].map((m) => ({ label: m[2] ?? '', data: m[1] ?? '' }));
  return { text, buttons: text.includes('👉') ? buttons : [] };
}

/** The step a message stands for: k for "Câu k/N", N + 1 for the quiz's result, undefined otherwise. */
export function stepOf(text: string): number | undefined {
  const q = /Câu (\d+)\/\d+/.exec(text);
  if (q) return Number(q[1]);
  const done = /trả lời đúng \d+\/(\d+) câu/.exec(text);
  return done ? Number(done[1]) + 1 : undefined;
}

// ------------------------------------------------------------------ delivery with redelivery

export interface Delivery {
  readonly ports: readonly number[];
  /** Attempts per request before it counts as lost (each on the next port). */
  readonly attempts: number;
  /** Called on each failed attempt (for the error count). */
  onRetry(reason: string): void;
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });
let rr = 0;

function postOnce(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; setCookie?: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            setCookie: res.headers['set-cookie'],
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Ports that refused a connection, until when they are skipped (as a load balancer's fail_timeout). */
const downUntil = new Map<number, number>();
const DOWN_MS = 5_000;

/** The next port in turn, skipping one that refused a connection lately (unless all did). */
function nextPort(ports: readonly number[]): number {
  const now = performance.now();
  for (let i = 0; i < ports.length; i++) {
    const port = ports[rr++ % ports.length] ?? 0;
    if ((downUntil.get(port) ?? 0) <= now) return port;
  }
  return ports[rr++ % ports.length] ?? 0;
}

/**
 * Posts to the next port in turn; a failure is delivered again to the next
 * port after a pause, and a port that refused a connection is left out for
 * a few seconds, as a simple load balancer does.
 */
export async function deliver(
  d: Delivery,
  path: string,
  body: string,
  headers: () => Record<string, string>,
): Promise<{ status: number; text: string; setCookie?: string[] }> {
  let last = '';
  for (let attempt = 0; attempt < d.attempts; attempt++) {
    const port = nextPort(d.ports);
    try {
      const r = await postOnce(port, path, body, headers());
      if (r.status >= 200 && r.status < 300) return r;
      last = `${path} answered ${r.status}`;
    } catch (err) {
      last = `${path}: ${err instanceof Error ? err.message : String(err)}`;
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') downUntil.set(port, performance.now() + DOWN_MS);
    }
    d.onRetry(last);
    await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
  }
  throw new Error(`${last} (after ${d.attempts} attempts)`);
}

export function closeAgent(): void {
  agent.destroy();
}

// ------------------------------------------------------------------ channels

export interface ChannelSecrets {
  readonly telegramSecret: string;
}

/** What a resident does next: a command or text, or a press on a button of a message it was shown. */
export type Act = { kind: 'start' } | { kind: 'text'; text: string } | { kind: 'press'; on: Seen; data: string };

/** Sends one act of a resident; returns what the HTTP answer itself showed (the web), else nothing. */
export type Sender = (who: string, act: Act) => Promise<Seen[]>;

let updateId = 1;
let zaloMsg = 0;

export function telegramSender(d: Delivery, secret: string): Sender {
  return async (who, act) => {
    const id = Number(who.slice(3));
    const update = telegramUpdate(
      updateId++,
      id,
      act.kind === 'press'
        ? { kind: 'press', on: act.on, data: act.data }
        : { kind: 'text', text: act.kind === 'start' ? '/start' : act.text },
    );
    await deliver(d, '/webhooks/telegram', JSON.stringify(update), () => ({
      'x-telegram-bot-api-secret-token': secret,
    }));
    return [];
  };
}

export function zaloSender(d: Delivery): Sender {
  return async (who, act) => {
    const user = who.slice(5);
    const at = new Date();
    const text = act.kind === 'press' ? act.data : act.kind === 'text' ? act.text : '';
    const event =
      act.kind === 'start' ? followEvent(user, at) : textEvent(user, text, at, `scale${(zaloMsg++).toString(16)}`);
    // The same signed bytes on every redelivery, as Zalo resends the same event.
    const delivery = signed(event);
    await deliver(d, '/webhooks/zalo', delivery.body, () => delivery.headers);
    return [];
  };
}

export function webSender(d: Delivery): Sender {
  const jar = new CookieJar();
  return async (who, act) => {
    const body = JSON.stringify(
      act.kind === 'press'
        ? { user: who, choice: act.data }
        : act.kind === 'text'
          ? { user: who, text: act.text }
          : { user: who, choice: 'menu:start' },
    );
    // Every resident from an address of its own (TRUST_PROXY), as behind the commune's proxy.
    const n = Number(who.slice(4));
    const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const r = await deliver(d, '/api/chat', body, () => ({ 'x-forwarded-for': address, ...jar.header(who) }));
    jar.store(who, r.setCookie);
    const json = JSON.parse(r.text) as { replies: { text: string; buttons?: { label: string; value: string }[] }[] };
    return json.replies.map((x) => ({
      text: x.text,
      buttons: (x.buttons ?? []).map((b) => ({ label: b.label, data: b.value })),
    }));
  };
}

// ------------------------------------------------------------------ a resident's journey

export interface JourneyDeps {
  readonly inbox: Inbox;
  readonly quizzes: readonly Quiz[];
  /** How long a resident waits for a reply before it counts as never sent. */
  readonly replyTimeoutMs: number;
  /** Takes a reply the HTTP answer itself carried (the web) as the fake APIs take theirs. */
  receive(who: string, seen: Seen): void;
  /** Each act's time from sending to the reply that ends the turn. */
  readonly latencies: number[];
}

export interface JourneyResult {
  readonly passed: boolean;
  readonly quizId?: string;
  readonly questions: number;
  readonly acts: number;
}

/** The message of a turn that carries the choices (the end of the turn). */
const hasChoices = (s: Seen): boolean => s.buttons.length > 0;

/**
 * start → quizzes → a quiz (by the resident's number) → skip the form if asked →
 * the right answer to each question → the result. Throws when a reply never came.
 */
export async function journey(who: string, n: number, send: Sender, deps: JourneyDeps): Promise<JourneyResult> {
  let acts = 0;
  const byTitle = (label: string): Quiz | undefined => deps.quizzes.find((q) => label.includes(q.title));
  const act = async (a: Act, ends: (s: Seen) => boolean = hasChoices): Promise<Seen[]> => {
    const t0 = performance.now();
    const direct = await send(who, a);
    acts++;
    for (const s of direct) deps.receive(who, s);
    const got = await deps.inbox.until(who, ends, deps.replyTimeoutMs);
    if (!got)
      throw new Error(
        `no reply within ${deps.replyTimeoutMs} ms to ${JSON.stringify(a.kind === 'press' ? a.data : a)}`,
      );
    deps.latencies.push(performance.now() - t0);
    return got;
  };
  const button = (seen: readonly Seen[], pick: (label: string, data: string) => boolean) => {
    for (const s of [...seen].reverse()) {
      const b = s.buttons.find((x) => pick(x.label, x.data));
      if (b) return { on: s, data: b.data };
    }
    return undefined;
  };
  let seen = await act({ kind: 'start' });
  const open = button(seen, (label) => label.includes('bài kiểm tra'));
  if (!open) throw new Error(`no quiz button after start: ${seen.at(-1)?.text.slice(0, 200)}`);
  seen = await act({ kind: 'press', ...open });
  const choices = seen.flatMap((s) => s.buttons).filter((b) => byTitle(b.label));
  const pick = choices[n % Math.max(1, choices.length)];
  const quiz = pick && byTitle(pick.label);
  if (!pick || !quiz) throw new Error(`no quiz listed: ${seen.at(-1)?.text.slice(0, 200)}`);
  const on = [...seen].reverse().find((s) => s.buttons.some((b) => b.data === pick.data));
  if (!on) throw new Error('quiz list message not found');
  const isQuestion = (s: Seen): boolean => /Câu \d+\/\d+/.test(s.text) && hasChoices(s);
  const isResult = (s: Seen): boolean => /trả lời đúng \d+\/\d+ câu/.test(s.text);
  seen = await act({ kind: 'press', on, data: pick.data });
  const skip = button(seen, (label) => label === 'Bỏ qua');
  if (skip && !seen.some(isQuestion)) seen = await act({ kind: 'press', ...skip }, isQuestion);
  let passed = false;
  for (let guard = 0; guard < 60; guard++) {
    const question = [...seen].reverse().find(isQuestion);
    if (!question) break;
    const k = Number(/Câu (\d+)\/\d+/.exec(question.text)?.[1]);
    const q = quiz.questions[k - 1];
    const right = q?.options[q.answer];
    const choice = question.buttons.find((b) => b.label === right);
    if (!choice) throw new Error(`right option not shown for ${quiz.id} question ${k}: ${question.text.slice(0, 200)}`);
    seen = await act({ kind: 'press', on: question, data: choice.data }, (s) => isQuestion(s) || isResult(s));
    if (seen.some((s) => s.text.includes('Chúc mừng'))) passed = true;
  }
  // A turn that showed neither the next question nor the result leaves the resident stuck: said, not hidden.
  if (!seen.some(isResult))
    throw new Error(`neither a question nor the result was shown: ${seen.at(-1)?.text.slice(0, 160)}`);
  return { passed, quizId: quiz.id, questions: quiz.questions.length, acts };
}
