/**
 * `npm run bench:scale` — many communes on PostgreSQL (issue 20, "Benchmarks").
 *
 * The mixed load (lib/scaleLoad: residents on Telegram webhooks, Zalo webhooks
 * and the web chat, each taking a quiz to its result) against the real service
 * started as child processes (`src/main.ts`, `npm start`'s flags), with the
 * Telegram and Zalo APIs faked on 127.0.0.1 (TELEGRAM_API_ROOT, ZALO_API_BASE,
 * ZALO_OAUTH_BASE) and every webhook carrying the real secret token or
 * signature. Legs, in one run:
 *  1. SQLite, 1 process;
 *  2. PostgreSQL, 1 process;
 *  3. PostgreSQL, 2 processes on one database, requests spread round-robin;
 *  4. (--kill, on by default) the same, with one process killed (SIGKILL)
 *     under load: failed deliveries go again to the survivor, as Telegram and
 *     Zalo redeliver, and nothing may be lost;
 *  5. 100 communes × 50 synthetic documents (lib/communeMemory): resident
 *     memory of one process holding every commune's index.
 * Per leg: messages/s, p95 from sending a message to the reply that ends its
 * turn, CPU per message (the service processes' utime + stime from /proc, and
 * the PostgreSQL server's, postmaster and backends), errors; then checks that
 * every pass was recorded exactly once (database), every reply was sent and
 * each resident's arrived in order (lib/orderCheck). Targets: PG 1 process ≥
 * 0.6× SQLite 1 process; PG 2 processes ≥ 1.2× PG 1 process.
 *
 * PostgreSQL comes from pg_virtualenv: without PGHOST the bench runs itself
 * again under `pg_virtualenv -t` (a throw-away server, dropped afterwards).
 * A PG leg whose service says (its "Hocvuso is ready" line) it serves from
 * SQLite is reported as such and not measured. Writes bench/out/scale.json.
 *
 * `--quick`: a few residents per channel, for a check that everything runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadQuizBanks } from '../src/content/loadQuizzes.js';
import type { Quiz } from '../src/core/quiz/types.js';
import { DEFAULT_LEASE_MS } from '../src/channels/sharedDispatcher.js';
import { BENCH_LIMITS } from './lib/cookieJar.js';
import { compareCompletions, pgCompletions, sqliteCompletions, type CompletionReport } from './lib/completions.js';
import type { FakeZaloThreadInit, FromFakeZalo } from './lib/fakeZaloThread.js';
import { startFakeTelegram } from './lib/fakeTelegramServer.js';
import { ms, percentile, table } from './lib/metrics.js';
import { checkOrder, type OrderReport } from './lib/orderCheck.js';
import {
  activityPerMessage,
  createBenchDatabase,
  pgAvailable,
  pgTableActivity,
  pgTransactions,
  postmasterPid,
} from './lib/pgBench.js';
import { cpuSeconds, treeCpuSeconds } from './lib/procStats.js';
import {
  closeAgent,
  Inbox,
  journey,
  stepOf,
  telegramSender,
  webSender,
  zaloSender,
  zaloSeen,
  type ChannelName,
  type Delivery,
  type Seen,
  type Sender,
} from './lib/scaleLoad.js';
import { randomPort, startFlags, startServiceProcess, type ServiceProcess } from './lib/serviceProcess.js';
import { writeCommuneFolders } from './lib/communeFolders.js';
import { tempDir } from './lib/temp.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Residents per channel in each leg. */
    residents: { type: 'string' },
    /** Residents in flight at once (all channels together). */
    concurrency: { type: 'string' },
    /** Which legs: sqlite,pg1,pg2,kill,communes (and sqlite-kill: the kill leg on one SQLite file). */
    legs: { type: 'string', default: 'sqlite,pg1,pg2,kill,communes' },
    /** Communes and documents per commune of the memory leg. */
    communes: { type: 'string' },
    documents: { type: 'string', default: '50' },
    /** Whether each commune also sees the bundled national pages (yes) or only its own (no). */
    national: { type: 'string', default: 'yes' },
    /** The channels of the load legs (default all three): one channel alone, to measure it apart. */
    channels: { type: 'string', default: 'telegram,zalo,web' },
  },
});
const QUICK = args.quick;
const RESIDENTS = Number(args.residents ?? (QUICK ? 6 : 150));
const C = Number(args.concurrency ?? (QUICK ? 6 : 48));
const LEGS = new Set((args.legs ?? '').split(',').map((x) => x.trim()));
const COMMUNES = Number(args.communes ?? (QUICK ? 4 : 100));
const DOCUMENTS = Number(args.documents);
const NATIONAL = args.national !== 'no';
const CHANNELS = (args.channels ?? '')
  .split(',')
  .map((x) => x.trim())
  .filter((x): x is ChannelName => x === 'telegram' || x === 'zalo' || x === 'web');
/** Issue 20: 100 communes of 50 documents each, memory per process. */
const COMMUNES_TARGET_MB = 400;
const REPLY_TIMEOUT_MS = 30_000;
/**
 * In the kill leg: a reply the killed process had claimed from the outbox stays
 * leased to it (channels/sharedDispatcher.ts DEFAULT_LEASE_MS, 2 minutes) before
 * the survivor sends it, so it is late, not lost; the wait covers the lease.
 */
const KILL_REPLY_TIMEOUT_MS = DEFAULT_LEASE_MS + 30_000;
/** Issue 20's targets. */
const PG_VS_SQLITE = 0.6;
const TWO_VS_ONE = 1.2;

const TG_TOKEN = '123456789:BENCH-token_for-local-fake-only';
const TG_SECRET = 'bench_scale_secret';
const ZALO = { appId: '1234567890123456789', oaSecret: 'TestOaSecretKey123', appSecret: 'bench-app-secret' };

// ------------------------------------------------------------------ PostgreSQL from pg_virtualenv

const wantsPg = ['pg1', 'pg2', 'kill', 'communes'].some((l) => LEGS.has(l));
if (wantsPg && !pgAvailable() && !process.env.HOCVUSO_BENCH_NO_PG) {
  // Run again under a throw-away PostgreSQL server; its exit code is ours.
  const child = spawn(
    'pg_virtualenv',
    ['-t', process.execPath, '--import', 'tsx', 'bench/scale.ts', ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  child.on('error', () => {
    console.error(
      'pg_virtualenv not found: the PostgreSQL legs are skipped (set PGHOST… to use a server of your own).',
    );
    process.env.HOCVUSO_BENCH_NO_PG = '1';
    const again = spawn(process.execPath, ['--import', 'tsx', 'bench/scale.ts', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, HOCVUSO_BENCH_NO_PG: '1' },
    });
    again.on('exit', (code) => process.exit(code ?? 1));
  });
  child.on('exit', (code) => {
    if (code !== null) process.exit(code);
  });
} else {
  await main();
}

// ------------------------------------------------------------------ one leg

interface LegSpec {
  readonly name: string;
  readonly db: 'sqlite' | 'pg';
  readonly processes: number;
  readonly kill: boolean;
  /** Its name in --legs. */
  readonly key: string;
  /** The channels its residents use. */
  readonly channels: readonly ChannelName[];
}

interface LegResult {
  readonly leg: string;
  readonly database: string;
  readonly processes: number;
  readonly measured: boolean;
  readonly note?: string;
  readonly residents?: number;
  readonly messages?: number;
  readonly seconds?: number;
  readonly perSecond?: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  /** The time from a message to the reply ending its turn, per channel (Telegram and Zalo: to the fake API). */
  readonly p95MsByChannel?: Record<string, number>;
  readonly serviceCpuMsPerMessage?: number;
  readonly pgCpuMsPerMessage?: number;
  /** PostgreSQL transactions (committed or rolled back) in the leg's database per message. */
  readonly pgTransactionsPerMessage?: number;
  /** The tables most written and scanned per message (pg_stat_user_tables), in scale.json only. */
  readonly pgTablesPerMessage?: readonly { table: string; writesPerMessage: number; scansPerMessage: number }[];
  readonly errors?: number;
  readonly redeliveries?: number;
  readonly serviceErrorLines?: number;
  readonly completions?: CompletionReport;
  readonly order?: OrderReport;
  readonly passed?: number;
  readonly killedAfterSeconds?: number;
  readonly firstErrors?: readonly string[];
  /** The service refused to start with Telegram and Zalo on this database. */
  readonly refusedChannels?: boolean;
  readonly channels?: readonly ChannelName[];
}

/** The fake Zalo API on its own thread (lib/fakeZaloThread), reporting every message received. */
function startFakeZalo(
  onSend: (userId: string, text: string) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(new URL('./lib/fakeZaloThread.worker.mjs', import.meta.url), {
    workerData: { appSecret: ZALO.appSecret, refreshToken: 'bench-refresh-0' } satisfies FakeZaloThreadInit,
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: FromFakeZalo) => {
      if (m.type === 'sends') {
        for (const s of m.sends) onSend(s.userId, s.text);
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

function ingest(sqliteFile: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'ingest'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_PATH: sqliteFile, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function runLeg(spec: LegSpec, quizzes: readonly Quiz[]): Promise<LegResult> {
  const work = tempDir();
  const sqliteFile = join(work.dir, 'scale.db');
  const inbox = new Inbox();
  const steps = new Map<string, number[]>();
  const receive = (who: string, seen: Seen): void => {
    const step = stepOf(seen.text);
    if (step !== undefined) {
      const list = steps.get(who);
      if (list) list.push(step);
      else steps.set(who, [step]);
    }
    inbox.push(who, seen);
  };
  const telegram = await startFakeTelegram((chatId, shown, method) => {
    // An edit re-shows a message already counted; only new messages are steps.
    if (method === 'sendMessage') receive(`tg:${chatId}`, shown);
  });
  const zalo = await startFakeZalo((userId, text) => receive(`zalo:${userId}`, zaloSeen(text)));
  const services: ServiceProcess[] = [];
  let pgDb: string | undefined;
  try {
    ingest(sqliteFile);
    let databaseUrl: string | undefined;
    if (spec.db === 'pg') {
      const db = await createBenchDatabase(`hocvuso_scale_${spec.name.replace(/\W+/g, '_')}`, sqliteFile);
      databaseUrl = db.appUrl;
      pgDb = db.name;
    }
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_PATH: sqliteFile,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      TRUST_PROXY: '1',
      ...BENCH_LIMITS,
    };
    const telegramEnv = {
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://bench.invalid',
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_ROOT: telegram.url,
      // The throttler caps sends at 30/s on purpose (Telegram's limit): not what is measured here.
      TELEGRAM_THROTTLE: 'off',
    };
    const zaloEnv = {
      ZALO_APP_ID: ZALO.appId,
      ZALO_OA_SECRET_KEY: ZALO.oaSecret,
      ZALO_APP_SECRET: ZALO.appSecret,
      ZALO_REFRESH_TOKEN: 'bench-refresh-0',
      ZALO_API_BASE: zalo.url,
      ZALO_OAUTH_BASE: zalo.url,
      ZALO_SIGNATURE_WINDOW_SECONDS: '300',
    };
    const env = {
      ...base,
      ...(spec.channels.includes('telegram') ? telegramEnv : {}),
      ...(spec.channels.includes('zalo') ? zaloEnv : {}),
    };
    // One after the other: two first starts on one database would race for its set-up, which is not measured.
    for (let i = 0; i < spec.processes; i++) {
      try {
        services.push(await startServiceProcess({ env, port: randomPort() }));
      } catch (err) {
        const refused = err instanceof Error && /chưa chạy được trên PostgreSQL/.test(err.message);
        if (!refused) throw err;
        return {
          leg: spec.name,
          database: 'PostgreSQL',
          processes: spec.processes,
          measured: false,
          refusedChannels: true,
          note: `the service refuses Telegram/Zalo on PostgreSQL: ${err.message.slice(0, 300)}`,
        };
      }
    }
    const served = services[0]?.ready.database ?? '?';
    if (spec.db === 'pg' && !/postgres/i.test(served)) {
      return {
        leg: spec.name,
        database: served,
        processes: spec.processes,
        measured: false,
        note: `the service still serves from SQLite (its ready line says database=${served}) although DATABASE_URL is set: not measured`,
      };
    }
    const pgPid = spec.db === 'pg' ? await postmasterPid() : undefined;

    let errors = 0;
    let redeliveries = 0;
    const firstErrors: string[] = [];
    const residentErrors: string[] = [];
    const delivery: Delivery = {
      ports: services.map((s) => s.port),
      attempts: 8,
      onRetry: (reason) => {
        redeliveries++;
        if (firstErrors.length < 5) firstErrors.push(`retried: ${reason}`);
      },
    };
    const senders: Record<ChannelName, Sender> = {
      telegram: telegramSender(delivery, TG_SECRET),
      zalo: zaloSender(delivery),
      web: webSender(delivery),
    };
    const latencies: number[] = [];
    const byChannel: Record<ChannelName, number[]> = { telegram: [], zalo: [], web: [] };
    const passed: string[] = [];
    const expected = new Map<string, number>();
    let messages = 0;
    const runResidents = async (ids: readonly { who: string; channel: ChannelName; n: number }[]): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(C, ids.length) }, async () => {
          for (let r = ids[next++]; r !== undefined; r = ids[next++]) {
            try {
              const j = await journey(r.who, r.n, senders[r.channel], {
                inbox,
                quizzes,
                replyTimeoutMs: spec.kill ? KILL_REPLY_TIMEOUT_MS : REPLY_TIMEOUT_MS,
                receive,
                latencies: byChannel[r.channel],
              });
              messages += j.acts;
              expected.set(r.who, j.questions + 1);
              if (j.passed) passed.push(r.who);
            } catch (err) {
              errors++;
              if (residentErrors.length < 5)
                residentErrors.push(`${r.who}: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
        }),
      );
    };
    // Residents of the leg's channels in turn (as many in all as 3 × count); ids distinct per leg.
    const residents = (count: number, from: number) =>
      Array.from({ length: count * 3 }, (_, i) => {
        const channel = spec.channels[i % spec.channels.length] ?? 'web';
        const n = from + Math.floor(i / spec.channels.length);
        const who = channel === 'telegram' ? `tg:${n}` : channel === 'zalo' ? `zalo:${n}` : `web:${n}`;
        return { who, channel, n };
      });
    // Warm-up (JIT, caches, the Zalo token): checked like the rest, not timed.
    await runResidents(residents(QUICK ? 2 : 10, 500_000));
    for (const list of Object.values(byChannel)) list.length = 0;
    messages = 0;

    const cpu0 = services.map((s) => cpuSeconds(s.pid));
    const pg0 = pgPid ? treeCpuSeconds(pgPid) : Number.NaN;
    const xact0 = pgDb ? await pgTransactions(pgDb) : Number.NaN;
    const tables0 = pgDb ? await pgTableActivity(pgDb) : undefined;
    let killedAt: number | undefined;
    const t0 = performance.now();
    let killer: NodeJS.Timeout | undefined;
    const lastCpu = services.map((s) => cpuSeconds(s.pid));
    const sampler = setInterval(() => {
      services.forEach((s, i) => {
        const c = cpuSeconds(s.pid);
        if (Number.isFinite(c)) lastCpu[i] = c;
      });
    }, 200);
    if (spec.kill) {
      // A third of the way through, as a crash would: no drain, no goodbye.
      const estimate = (RESIDENTS * 3 * 12) / 200;
      killer = setTimeout(
        () => {
          killedAt = (performance.now() - t0) / 1000;
          services[0]?.child.kill('SIGKILL');
        },
        Math.max(500, (estimate * 1000) / 3),
      );
    }
    await runResidents(residents(RESIDENTS, 1_000_000));
    const seconds = (performance.now() - t0) / 1000;
    latencies.push(...byChannel.telegram, ...byChannel.zalo, ...byChannel.web);
    clearTimeout(killer);
    clearInterval(sampler);
    const serviceCpu = services.reduce((sum, s, i) => {
      const now = cpuSeconds(s.pid);
      return sum + (Number.isFinite(now) ? now : (lastCpu[i] ?? 0)) - (cpu0[i] ?? 0);
    }, 0);
    const pgCpu = pgPid ? treeCpuSeconds(pgPid) - pg0 : Number.NaN;
    // Replies still on their way (a retry pause, the outbox's next round) may arrive: then the checks.
    await new Promise((r) => setTimeout(r, QUICK ? 1000 : 3000));
    // Read after the pause, as the server's statistics are flushed about once a second (includes that pause's background work).
    const xacts = pgDb ? (await pgTransactions(pgDb)) - xact0 : Number.NaN;
    const tables = pgDb && tables0 ? activityPerMessage(tables0, await pgTableActivity(pgDb), messages) : undefined;
    const rows = spec.db === 'pg' && pgDb ? await pgCompletions(pgDb) : sqliteCompletions(sqliteFile);
    return {
      leg: spec.name,
      database: spec.db === 'pg' ? 'PostgreSQL' : 'SQLite',
      processes: spec.processes,
      measured: true,
      channels: spec.channels,
      residents: RESIDENTS * 3,
      messages,
      seconds,
      perSecond: messages / seconds,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p95MsByChannel: Object.fromEntries(
        Object.entries(byChannel)
          .filter(([, v]) => v.length > 0)
          .map(([k, v]) => [k, Number(percentile(v, 95).toFixed(2))]),
      ),
      serviceCpuMsPerMessage: (serviceCpu * 1000) / messages,
      pgCpuMsPerMessage: (pgCpu * 1000) / messages,
      pgTransactionsPerMessage: xacts / messages,
      ...(tables ? { pgTablesPerMessage: tables } : {}),
      errors,
      redeliveries,
      serviceErrorLines: services.reduce((n, s) => n + s.errors.count, 0),
      completions: compareCompletions(passed, rows),
      order: checkOrder(steps, expected),
      passed: passed.length,
      ...(killedAt !== undefined ? { killedAfterSeconds: killedAt } : {}),
      firstErrors: [...residentErrors, ...firstErrors.slice(0, 3), ...services.flatMap((s) => s.errors.first)].slice(
        0,
        10,
      ),
    };
  } finally {
    for (const s of services) await s.stop();
    await telegram.close();
    await zalo.close();
    work.cleanup();
  }
}

// ------------------------------------------------------------------ many communes in one process

interface MemoryResult {
  readonly measured: boolean;
  readonly note?: string;
  readonly communes?: number;
  readonly documentsPerCommune?: number;
  readonly nationalPages?: boolean;
  readonly documentsHeld?: number;
  readonly loadSeconds?: number;
  readonly baseRssMb?: number;
  readonly firstCommuneRssMb?: number;
  readonly allRssMb?: number;
  readonly peakRssMb?: number;
  readonly heapUsedMb?: number;
}

/**
 * One process opening every commune (lib/communeMemory, src/pgCommune.ts's
 * `openPgCommune` per commune) over synthetic folders (lib/communeFolders).
 */
async function memoryLeg(): Promise<MemoryResult> {
  if (!pgAvailable())
    return { measured: false, note: 'needs PostgreSQL: per-commune loading exists only there (src/pgCommune.ts)' };
  const work = tempDir();
  try {
    const sqliteFile = join(work.dir, 'seed.db');
    ingest(sqliteFile);
    const db = await createBenchDatabase('hocvuso_scale_communes', sqliteFile);
    const { root, communeIds } = writeCommuneFolders(join(work.dir, 'knowledge'), {
      communes: COMMUNES,
      documents: DOCUMENTS,
      national: NATIONAL,
    });
    const flags = startFlags().split(' ').filter(Boolean);
    const out = execFileSync(
      process.execPath,
      [...flags, '--expose-gc', '--import', 'tsx', 'bench/lib/communeMemory.ts', root, communeIds.join(',')],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.appUrl },
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 20,
      },
    ).toString('utf8');
    const line = out.trim().split('\n').at(-1) ?? '{}';
    const m = JSON.parse(line) as Omit<MemoryResult, 'measured'>;
    return { measured: true, documentsPerCommune: DOCUMENTS, nationalPages: NATIONAL, ...m };
  } catch (err) {
    return { measured: false, note: `failed: ${err instanceof Error ? err.message.slice(0, 600) : String(err)}` };
  } finally {
    work.cleanup();
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const { quizzes } = await loadQuizBanks('knowledge');
  const every: readonly ChannelName[] = CHANNELS.length > 0 ? CHANNELS : ['telegram', 'zalo', 'web'];
  const all: LegSpec[] = [
    { name: 'sqlite-1', db: 'sqlite', processes: 1, kill: false, key: 'sqlite', channels: every },
    { name: 'pg-1', db: 'pg', processes: 1, kill: false, key: 'pg1', channels: every },
    { name: 'pg-2', db: 'pg', processes: 2, kill: false, key: 'pg2', channels: every },
    { name: 'pg-2-kill', db: 'pg', processes: 2, kill: true, key: 'kill', channels: every },
    // Not in the default run: the kill machinery on two processes sharing one SQLite file (WAL).
    { name: 'sqlite-2-kill', db: 'sqlite', processes: 2, kill: true, key: 'sqlite-kill', channels: every },
  ];
  const queue = all.filter((s) => LEGS.has(s.key));
  const results: LegResult[] = [];
  let webOnly = false;
  for (let spec = queue.shift(); spec !== undefined; spec = queue.shift()) {
    if (webOnly && spec.db === 'pg') spec = { ...spec, name: `${spec.name}-web`, channels: ['web'] };
    if (spec.db === 'pg' && !pgAvailable()) {
      results.push({
        leg: spec.name,
        database: 'PostgreSQL',
        processes: spec.processes,
        measured: false,
        note: 'no PostgreSQL server (pg_virtualenv missing and PGHOST unset)',
      });
      continue;
    }
    console.error(`leg ${spec.name}: ${RESIDENTS * 3} residents on ${spec.channels.join(', ')}, ${C} in flight…`);
    try {
      const r = await runLeg(spec, quizzes);
      results.push(r);
      console.error(
        r.measured
          ? `  ${r.perSecond?.toFixed(0)} messages/s, p95 ${ms(r.p95Ms ?? NaN)}, errors ${r.errors}, redeliveries ${r.redeliveries}`
          : `  not measured: ${r.note}`,
      );
      if (r.refusedChannels && !webOnly) {
        // The PostgreSQL service runs the web chat only: the PG legs again on the web, and SQLite on the web to compare.
        webOnly = true;
        queue.unshift(spec);
        if (LEGS.has('sqlite')) queue.push({ ...all[0]!, name: 'sqlite-1-web', channels: ['web'] });
      }
    } catch (err) {
      results.push({
        leg: spec.name,
        database: spec.db,
        processes: spec.processes,
        measured: false,
        note: `failed: ${err instanceof Error ? err.message : String(err)}`,
      });
      console.error(`  failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  closeAgent();
  let memory: MemoryResult | undefined;
  if (LEGS.has('communes')) {
    console.error(
      `leg communes: ${COMMUNES} communes × ${DOCUMENTS} synthetic pages${NATIONAL ? ' + the national pages' : ''} in one process…`,
    );
    memory = await memoryLeg();
  }
  report(results, memory);
}

function report(results: readonly LegResult[], memory: MemoryResult | undefined): void {
  const f = (x: number | undefined, d = 0): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  console.log(
    `\nbench:scale — ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; ` + `${RESIDENTS} residents per channel per leg (Telegram, Zalo, web), ${C} in flight\n`,
  );
  console.log(
    table(
      [
        'leg',
        'messages',
        'msg/s',
        'p50',
        'p95',
        'CPU ms/msg service',
        'CPU ms/msg PG',
        'PG xact/msg',
        'errors',
        'redelivered',
        'passes once (incl. warm-up)',
        'not recorded',
        'twice',
        'replies in order',
        'missing',
        'dup',
        'late',
      ],
      results.map((r) =>
        r.measured
          ? [
              r.leg,
              String(r.messages),
              f(r.perSecond),
              ms(r.p50Ms ?? NaN),
              ms(r.p95Ms ?? NaN),
              f(r.serviceCpuMsPerMessage, 2),
              f(r.pgCpuMsPerMessage, 2),
              f(r.pgTransactionsPerMessage, 1),
              String(r.errors),
              String(r.redeliveries),
              `${r.completions?.exactlyOnce}/${r.passed}`,
              String(r.completions?.notRecorded),
              String(r.completions?.recordedTwice),
              `${r.order?.inOrder}/${r.order?.residents}`,
              String(r.order?.missing),
              String(r.order?.duplicated),
              String(r.order?.outOfOrder),
            ]
          : [r.leg, 'not measured (below)'],
      ),
    ),
  );
  for (const r of results) {
    if (!r.measured) console.log(`  ${r.leg}: not measured: ${r.note ?? ''}`);
    if (r.p95MsByChannel) console.log(`  ${r.leg}: p95 by channel ${JSON.stringify(r.p95MsByChannel)}`);
    if (r.pgTablesPerMessage) {
      const top = r.pgTablesPerMessage
        .slice(0, 6)
        .map((t) => `${t.table} ${t.writesPerMessage}w/${t.scansPerMessage}s`);
      console.log(`  ${r.leg}: PostgreSQL rows written (w) and scans (s) per message: ${top.join(', ')}`);
    }
    for (const e of [...(r.firstErrors ?? []), ...(r.order?.examples ?? [])]) console.log(`  ${r.leg}: ${e}`);
  }
  const rate = (name: string): number | undefined => results.find((r) => r.leg === name && r.measured)?.perSecond;
  // When the PostgreSQL service ran the web chat only, its legs are compared with SQLite on the web only.
  const web = results.some((r) => r.leg === 'pg-1-web' && r.measured) ? '-web' : '';
  const verdict = (label: string, a: number | undefined, b: number | undefined, target: number): string =>
    a === undefined || b === undefined
      ? `${label}: not measured`
      : `${label}: ${(a / b).toFixed(2)}× (target ≥ ${target}×) → ${a / b >= target ? 'MET' : 'NOT MET'}`;
  console.log(
    `\nTargets:\n  ${verdict(`PostgreSQL 1 process vs SQLite 1 process${web ? ' (web only)' : ''}`, rate(`pg-1${web}`), rate(`sqlite-1${web}`), PG_VS_SQLITE)}` +
      `\n  ${verdict(`PostgreSQL 2 processes vs 1${web ? ' (web only)' : ''}`, rate(`pg-2${web}`), rate(`pg-1${web}`), TWO_VS_ONE)}`,
  );
  for (const kill of results.filter((r) => r.leg.includes('-kill') && r.measured)) {
    const lost = (kill.completions?.notRecorded ?? 0) + (kill.order?.missing ?? 0) + (kill.errors ?? 0);
    const extra =
      (kill.order?.duplicated ?? 0) + (kill.order?.outOfOrder ?? 0) + (kill.completions?.recordedTwice ?? 0);
    console.log(
      `  ${kill.leg}: kill -9 of one of 2 processes after ${f(kill.killedAfterSeconds, 1)} s; ${kill.redeliveries} deliveries went again to the survivor; ` +
        `${lost === 0 ? 'nothing lost → MET' : `${lost} lost (resident errors, unrecorded passes, missing replies) → NOT MET`}` +
        (extra > 0
          ? `; but ${kill.order?.duplicated ?? 0} replies sent twice, ${kill.order?.outOfOrder ?? 0} out of order, ${kill.completions?.recordedTwice ?? 0} completions recorded twice`
          : '; no reply sent twice or out of order'),
    );
  }
  // The province: CPU per message × messages per second, for the reader's own peak figure.
  const perMsg = results
    .filter((r) => r.measured && r.database === 'PostgreSQL' && !r.leg.includes('-kill'))
    .map((r) => ({
      leg: r.leg,
      ms: (r.serviceCpuMsPerMessage ?? NaN) + (Number.isFinite(r.pgCpuMsPerMessage) ? (r.pgCpuMsPerMessage ?? 0) : 0),
    }));
  for (const p of perMsg) {
    console.log(
      `  projection (${p.leg}): ${p.ms.toFixed(2)} CPU ms per message (service + PostgreSQL) → 130 communes at 1 message/s each need ` +
        `${((130 * p.ms) / 1000).toFixed(2)} cores; multiply by the peak messages/s of one commune`,
    );
  }
  if (memory?.measured) {
    const peak = memory.peakRssMb ?? NaN;
    const n = memory.communes ?? 0;
    const first = memory.firstCommuneRssMb ?? NaN;
    // Below 100 communes, the growth per commune after the first carries the figure to 100.
    const at100 = n >= 100 ? peak : first + (((memory.allRssMb ?? NaN) - first) / Math.max(1, n - 1)) * 99;
    console.log(
      `  ${n} communes × ${memory.documentsPerCommune} pages${memory.nationalPages ? ' (+ the national pages each)' : ''} in one process ` +
        `(${memory.documentsHeld ?? '?'} documents indexed, loaded in ${f(memory.loadSeconds, 1)} s): RSS ${f(memory.baseRssMb)} MB at start, ` +
        `${f(first)} MB with one commune, ${f(memory.allRssMb)} MB with all (peak ${f(peak)} MB)` +
        `${n >= 100 ? '' : `; at 100 communes, growing as from the 1st to the ${n}th: ~${f(at100)} MB`} ` +
        `→ ${at100 <= COMMUNES_TARGET_MB ? 'MET' : 'NOT MET'} (target ≤ ${COMMUNES_TARGET_MB} MB for 100 communes)`,
    );
  } else if (memory) console.log(`  communes in one process: not measured (${memory.note})`);
  mkdirSync('bench/out', { recursive: true });
  writeFileSync(
    'bench/out/scale.json',
    `${JSON.stringify({ cpus: cpus().length, node: process.version, loadAverage: loadavg(), residentsPerChannel: RESIDENTS, concurrency: C, legs: results, communes: memory }, null, 2)}\n`,
  );
}
