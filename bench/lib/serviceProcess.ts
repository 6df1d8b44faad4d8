/**
 * The real service (`src/main.ts`) as a child process, started the way
 * `npm start` starts it (same Node flags), for the benches that measure it
 * from outside: it waits for the "Hocvuso is ready" log line and keeps what
 * that line says (the database it serves from, the channels on), and counts
 * the error lines the service logs while it runs. `BENCH_LOG=1` echoes the
 * service's log lines to the bench's stderr; `BENCH_SERVICE_FLAGS` adds Node
 * flags to every service started (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`,
 * to profile the service under a bench's load).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The flags `npm start` gives Node before `--import`: the service is measured as it runs. */
export function startFlags(): string {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts.start ?? '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('--import')).join(' ');
}

/** What the ready line says. */
export interface ReadyLine {
  readonly port: number;
  readonly database: string;
  readonly documents: number;
  readonly quizzes: number;
  readonly channels: readonly string[];
  readonly readyMs: number;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly ready: ReadyLine;
  /** Error lines (pino level ≥ 50) logged so far, and the first few of them. */
  readonly errors: { count: number; first: string[] };
  /** Whether the process has exited (a kill, a crash). */
  exited(): boolean;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly seconds?: number;
  readonly extraFlags?: readonly string[];
}

/** Starts `src/main.ts` with `env` (LOG_LEVEL=info is forced, for the ready line) and waits until it says it is ready. */
export async function startServiceProcess(opts: StartOptions): Promise<ServiceProcess> {
  const flags = [
    ...startFlags().split(' ').filter(Boolean),
    ...(process.env.BENCH_SERVICE_FLAGS ?? '').split(' ').filter(Boolean),
    ...(opts.extraFlags ?? []),
  ];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/main.ts'], {
    env: { ...opts.env, PORT: String(opts.port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors = { count: 0, first: [] as string[] };
  let exitCode: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : 0);
      resolve();
    }),
  );
  const tail: string[] = [];
  const ready = new Promise<ReadyLine>((resolve, reject) => {
    // The logger writes to stderr; stdout is read too, in case that changes.
    const onLine = (line: string): void => {
      if (process.env.BENCH_LOG === '1') process.stderr.write(`[service ${child.pid}] ${line.slice(0, 300)}\n`);
      tail.push(line);
      if (tail.length > 10) tail.shift();
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof entry.msg === 'string' && entry.msg.startsWith('Hocvuso is ready'))
        resolve(entry as unknown as ReadyLine);
      if (Number(entry.level) >= 50) {
        errors.count++;
        if (errors.first.length < 5) errors.first.push(line.slice(0, 400));
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    void exit.then(() =>
      reject(new Error(`the service exited (${exitCode}) before it was ready: ${tail.join('\n').slice(-800)}`)),
    );
  });
  const seconds = opts.seconds ?? 60;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`the service did not become ready in ${seconds} s`)), seconds * 1000);
  });
  let line: ReadyLine;
  try {
    line = await Promise.race([ready, timeout]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    child,
    pid: child.pid ?? 0,
    port: opts.port,
    ready: line,
    errors,
    exited: () => exitCode !== undefined,
    stop: async (signal = 'SIGTERM') => {
      if (exitCode !== undefined) return;
      child.kill(signal);
      await exit;
    },
  };
}

/** A free-looking port for a child service (random in 20000–39999, as the other benches pick). */
export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}
