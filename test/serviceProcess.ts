/**
 * The real service in a child process, for the tests of what only a process
 * shows: its exit code and stderr on a bad setting, its health while its
 * files change under it, and how it ends on a stop signal. Also how to run it
 * as an unprivileged user when the tests run as root (root ignores file
 * modes, so a 0444 file is not read-only to root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly ms: number;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (its JSON log) so far. */
  readonly stderr: () => string;
  /** Resolves when the process has exited (killed with SIGKILL after `killAfterMs`). */
  readonly exited: Promise<Exited>;
}

export interface SpawnOptions {
  /** Default: `node --import tsx src/main.ts` (what `npm start` runs). */
  readonly command?: readonly string[];
  readonly uid?: number;
  readonly gid?: number;
  /** In its own process group, so a test can signal exactly the process it started. */
  readonly detached?: boolean;
  readonly killAfterMs?: number;
  /** The node binary (a copy others may run, for an unprivileged user). */
  readonly node?: string;
}

/** Starts the service with only the given environment (plus PATH and HOME) and a quiet knowledge folder. */
export function spawnService(env: Record<string, string>, options: SpawnOptions = {}): ServiceProcess {
  const node = options.node ?? process.execPath;
  const [file, ...args] = options.command ?? [node, '--import', 'tsx', 'src/main.ts'];
  const started = performance.now();
  const child = spawn(file ?? node, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: options.detached ?? false,
    ...(options.uid !== undefined && { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<Exited>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr: err, ms: performance.now() - started });
    });
  });
  return { child, stderr: () => err, exited };
}

/** Resolves true when something accepts a TCP connection on the port, false when refused. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The port the service listens on, read from its "ready" log line (started
 * with PORT=0, the system picks a free one); throws after `withinMs`.
 */
export async function readyPort(output: () => string, withinMs = 40_000): Promise<number> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    for (const line of output().split('\n')) {
      if (!line.includes('Hocvuso is ready')) continue;
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === 'number') return port;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the service did not log that it is ready within ${withinMs} ms: ${output().slice(-500)}`);
}

/** Polls `GET /healthz` until it answers `status` (or throws after `withinMs`). */
export async function waitForHealth(port: number, status: number, withinMs = 30_000): Promise<unknown> {
  const deadline = performance.now() + withinMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      const body: unknown = await res.json();
      if (res.status === status) return body;
      last = `${res.status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/healthz did not answer ${status} within ${withinMs} ms (last: ${last})`);
}

/**
 * Who to run the service as so that file modes really apply: the current
 * user, or, as root, the unprivileged user 65534 ("nobody") with a copy of
 * the node binary it may run (a Node installed under a private folder is not
 * runnable by others). `ready` is false, with the reason, when even that
 * cannot run the service; tests then fail rather than pass without checking.
 */
export interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
  readonly node?: string;
  readonly ready: boolean;
  readonly why: string;
  cleanup(): void;
}

export function unprivileged(): RunAs {
  if (process.getuid?.() !== 0) return { ready: true, why: 'not root: file modes apply', cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'hocvuso-node-'));
  chmodSync(dir, 0o755);
  const node = join(dir, 'node');
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  const probe = spawnSync(node, ['--import', 'tsx', '-e', '0'], { cwd: ROOT, uid: 65534, gid: 65534, timeout: 30_000 });
  return {
    uid: 65534,
    gid: 65534,
    node,
    ready: probe.status === 0,
    why: `as root, user 65534 must be able to run node and read ${ROOT}: ${probe.stderr?.toString() ?? ''}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
