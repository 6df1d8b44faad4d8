/**
 * `npm run bench:load` — memory under many distinct web users (issue 16 item 10).
 *
 * The real service (`src/main.ts`, a temp SQLite file, no channel tokens, no
 * LLM) runs in a child process with a bench-only preload (lib/memoryProbe.ts)
 * that reports V8's heap on SIGUSR2. Its resident memory (VmRSS, and the peak
 * VmHWM, from /proc) is read right after start — the baseline of the same run
 * — then 10,000 distinct web users arrive over about 20 s (C = 32 requests in
 * flight), each with a cookie jar of its own and its own client address
 * (TRUST_PROXY with X-Forwarded-For, as behind the commune's proxy): a
 * greeting, a question of the golden set, and one user in four starts a quiz
 * and answers its first question. Memory is read after the load, after 10 s
 * idle, and after a forced full collection (what is still reachable).
 *
 * Before the service starts, the rate limiter's cost per message is measured
 * in process (lib/rateLimitCost). Figures are printed and written to
 * bench/out/load.json; `--snapshot DIR` also writes heap snapshots of the
 * service after start and after the load, for finding what holds memory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_LIMITS, CookieJar } from './lib/cookieJar.js';
import { loadGolden } from './lib/golden.js';
import { ms, percentile, table } from './lib/metrics.js';
import { cpuSeconds, rssOf } from './lib/procStats.js';
import { startFlags } from './lib/serviceProcess.js';
import { measureRateLimitCost } from './lib/rateLimitCost.js';
import { waitUntilReady } from './lib/serviceReady.js';
import { tempDir } from './lib/temp.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    idle: { type: 'string', default: '10' },
    snapshot: { type: 'string' },
    // Node and V8 flags of the service; by default those of `npm start` (to compare settings: --service-flags=).
    'service-flags': { type: 'string' },
  },
});
const SERVICE_FLAGS = (values['service-flags'] ?? startFlags()).split(' ').filter(Boolean);
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
const C = Number(values.concurrency);
const IDLE_S = Number(values.idle);
/** README's promise for the resident memory of the service. */
const TARGET_MB = 200;

interface Heap {
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
  /** Used bytes per V8 space, in MB (new_space, old_space, code_space, large_object_space…). */
  readonly spacesMb: Record<string, number>;
  /** Resident bytes per V8 space, in MB: what the space costs in RSS, used or not. */
  readonly committedMb: Record<string, number>;
}

/** Asks the preloaded probe for V8's figures (optionally after a full collection, or with a snapshot). */
async function heapOf(
  child: ChildProcess,
  probe: string,
  opts: { gc?: boolean; snapshot?: string } = {},
): Promise<Heap> {
  writeFileSync(probe, '');
  if (opts.gc) writeFileSync(`${probe}.gc`, '1');
  if (opts.snapshot) writeFileSync(`${probe}.snap`, opts.snapshot);
  child.kill('SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const text = readFileSync(probe, 'utf8');
    if (text) {
      const m = JSON.parse(text) as {
        heapUsed: number;
        heapTotal: number;
        external: number;
        arrayBuffers: number;
        spaces: Record<string, number>;
        committed: Record<string, number>;
      };
      const mb = (b: number): number => b / 2 ** 20;
      const inMb = (r: Record<string, number>): Record<string, number> =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(mb(v).toFixed(2))]));
      return {
        heapUsedMb: mb(m.heapUsed),
        heapTotalMb: mb(m.heapTotal),
        externalMb: mb(m.external),
        arrayBuffersMb: mb(m.arrayBuffers),
        spacesMb: inMb(m.spaces),
        committedMb: inMb(m.committed),
      };
    }
  }
  throw new Error('the memory probe did not answer in 30 s');
}

// ---------------------------------------------------------------- the service

/** Only what the service needs: no channel tokens, no model, whatever the shell running the bench holds. */
function serviceEnv(dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_PATH: join(dir, 'load.db'), LOG_LEVEL: 'error' };
}

/**
 * The service starts on a warm index, as it restarts in production: indexing
 * a fresh database at start-up is a one-off peak, not what users cost.
 */
function ingest(dir: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'ingest'], {
    env: serviceEnv(dir),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function startService(dir: string, probe: string): Promise<{ port: number; child: ChildProcess }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    [
      ...SERVICE_FLAGS,
      '--expose-gc',
      '--import',
      'tsx',
      '--import',
      resolve('bench/lib/memoryProbe.ts'),
      'src/main.ts',
    ],
    {
      env: {
        ...serviceEnv(dir),
        PORT: String(port),
        HOST: '127.0.0.1',
        MEMORY_PROBE_FILE: probe,
        // Every user comes from an address of its own, as behind the commune's reverse proxy.
        TRUST_PROXY: '1',
        // The per-person limits stay as in production (statuses are counted below).
        ...BENCH_LIMITS,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitUntilReady(port, child);
  return { port, child };
}

// ---------------------------------------------------------------- one web user

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const jar = new CookieJar();

interface Sent {
  readonly status: number;
  readonly ms: number;
  readonly lastText: string;
}

/** A browser of one user: its cookies (in the shared jar, under its label), its address. */
class WebUser {
  constructor(
    private readonly port: number,
    private readonly label: string,
    private readonly address: string,
  ) {}

  send(message: { text?: string; choice?: string }): Promise<Sent> {
    const body = JSON.stringify({ user: this.label, ...message });
    const t0 = performance.now();
    return new Promise((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/api/chat',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-forwarded-for': this.address,
            ...jar.header(this.label),
          },
        },
        (res) => {
          jar.store(this.label, res.headers['set-cookie']);
          const chunks: Buffer[] = [];
          res.on('data', (ch: Buffer) => chunks.push(ch));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let lastText = '';
            try {
              lastText = (JSON.parse(text) as { replies?: { text: string }[] }).replies?.at(-1)?.text ?? '';
            } catch {
              // a non-JSON answer is counted by its status
            }
            done({ status: res.statusCode ?? 0, ms: performance.now() - t0, lastText });
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  }
}

const GREETINGS = ['xin chào', 'chào bạn', 'alo', 'chao ban', 'hi'];
/**
 * Residents word the same question in many ways; the golden questions are
 * asked with one of these openings and endings, so the service meets
 * thousands of distinct questions (as it does in use), not the same 258.
 */
const OPENINGS = ['', 'cho hỏi ', 'em muốn hỏi ', 'cho mình hỏi ', 'bác ơi ', 'xin hỏi '];
const ENDINGS = ['', ' ạ', ' với', ' giúp em với', ' vậy', ' nhé'];

function questionOf(i: number, questions: readonly string[]): string {
  const q = questions[i % questions.length] ?? 'VNeID là gì';
  const turn = Math.floor(i / questions.length);
  return `${OPENINGS[turn % OPENINGS.length] ?? ''}${q}${ENDINGS[Math.floor(turn / OPENINGS.length) % ENDINGS.length] ?? ''}`;
}

/** A greeting, a golden question; one user in four opens the quizzes, starts the first and answers once. */
function scriptOf(i: number, questions: readonly string[]): { text?: string; choice?: string }[] {
  const steps: { text?: string; choice?: string }[] = [
    { text: GREETINGS[i % GREETINGS.length] ?? 'xin chào' },
    { text: questionOf(i, questions) },
  ];
  if (i % 4 === 0) steps.push({ choice: 'menu:start' }, { text: '1' }, { text: '1' }, { text: '2' }, { text: '1' });
  return steps;
}

interface LoadFigures {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly statuses: Record<string, number>;
  readonly quizAnswered: number;
}

async function drive(port: number, questions: readonly string[]): Promise<LoadFigures> {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  let quizAnswered = 0;
  let next = 0;
  const spacing = (SECONDS * 1000) / USERS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < USERS) {
        const i = next++;
        const due = t0 + i * spacing;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        const user = new WebUser(port, `load-${i}`, address);
        for (const step of scriptOf(i, questions)) {
          const r = await user.send(step);
          lat.push(r.ms);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (step.text === '1' && /Câu \d+\/\d+/.test(r.lastText)) quizAnswered += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    requests: lat.length,
    seconds,
    perSecond: lat.length / seconds,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    statuses,
    quizAnswered,
  };
}

// ---------------------------------------------------------------- main

const mb = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} MB` : 'n/a');

async function main(): Promise<void> {
  const cost = existsSync('src/core/rateLimit.ts') ? measureRateLimitCost(USERS) : undefined;
  const questions = loadGolden('bench/golden').map((g) => g.q);
  const { dir, cleanup } = tempDir();
  const probe = join(dir, 'memory.json');
  ingest(dir);
  const { port, child } = await startService(dir, probe);
  const pid = child.pid ?? 0;
  try {
    const snap = (name: string): string | undefined => values.snapshot && resolve(values.snapshot, name);
    if (values.snapshot) mkdirSync(values.snapshot, { recursive: true });
    const startRss = rssOf(pid);
    const startHeap = await heapOf(child, probe, { snapshot: snap('start.heapsnapshot') });
    const cpu0 = cpuSeconds(pid);
    const load = await drive(port, questions);
    const cpuMsPerRequest = ((cpuSeconds(pid) - cpu0) * 1000) / load.requests;
    const loadRss = rssOf(pid);
    const loadHeap = await heapOf(child, probe);
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const idleRss = rssOf(pid);
    const idleHeap = await heapOf(child, probe);
    const gcHeap = await heapOf(child, probe, { gc: true, snapshot: snap('after-load.heapsnapshot') });
    const gcRss = rssOf(pid);

    console.log(
      `\nService flags: ${SERVICE_FLAGS.join(' ') || '(none)'}\n${USERS} distinct web users over ${load.seconds.toFixed(1)} s, ${C} in flight: ${load.requests} requests ` +
        `(${Math.round(load.perSecond)}/s), p50 ${ms(load.p50)}, p95 ${ms(load.p95)}; statuses ${JSON.stringify(load.statuses)}; ` +
        `${load.quizAnswered} quiz questions reached by an answer; service CPU ${cpuMsPerRequest.toFixed(2)} ms per request\n`,
    );
    const rows = [
      ['right after start (baseline)', startRss, startHeap],
      [`after ${USERS} users`, loadRss, loadHeap],
      [`after ${IDLE_S} s idle`, idleRss, idleHeap],
      ['after a full collection', gcRss, gcHeap],
    ] as const;
    console.log(
      table(
        ['when', 'RSS', 'peak RSS (VmHWM)', 'V8 heap used', 'V8 heap total', 'external'],
        rows.map(([label, r, h]) => [
          label,
          mb(r.rssMb),
          mb(r.peakMb),
          mb(h.heapUsedMb),
          mb(h.heapTotalMb),
          mb(h.externalMb),
        ]),
      ),
    );
    const spaces = (h: Heap): string =>
      Object.entries(h.committedMb)
        .filter(([, v]) => v >= 0.5)
        .map(([k, v]) => `${k.replace(/_space$/, '')} ${(h.spacesMb[k] ?? 0).toFixed(1)}/${v.toFixed(1)}`)
        .join(', ');
    console.log(
      `\nV8 spaces, used/resident MB: at start ${spaces(startHeap)}\n  after the load: ${spaces(loadHeap)}` +
        `\n  after ${IDLE_S} s idle: ${spaces(idleHeap)}\n  after a full collection: ${spaces(gcHeap)}`,
    );
    const peak = Math.max(loadRss.peakMb, idleRss.peakMb);
    console.log(
      `\nVerdict: peak resident memory ${mb(peak)} ${peak <= TARGET_MB ? '≤' : '>'} ${TARGET_MB} MB target — ` +
        `${peak <= TARGET_MB ? 'MET' : 'NOT MET'} (growth over the baseline: ${mb(peak - startRss.rssMb)}).`,
    );
    if (cost) {
      console.log(
        `\nRate limiter, per message over ${cost.identities} identities (in process): take ${cost.takeNs.toFixed(0)} ns; ` +
          `the web's two checks ${cost.webPairNs.toFixed(0)} ns; with more identities than kept (evicting) ` +
          `${cost.evictingNs.toFixed(0)} ns, ${cost.keptAfterEvicting} kept.`,
      );
    } else console.log('\nRate limiter: src/core/rateLimit.ts not present, cost not measured.');
    mkdirSync('bench/out', { recursive: true });
    writeFileSync(
      'bench/out/load.json',
      `${JSON.stringify({ users: USERS, concurrency: C, serviceFlags: SERVICE_FLAGS.join(' '), load, cpuMsPerRequest, memory: Object.fromEntries(rows.map(([l, r, h]) => [l, { ...r, ...h }])), peakMb: peak, rateLimiter: cost }, null, 2)}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    agent.destroy();
    cleanup();
  }
}

await main();
