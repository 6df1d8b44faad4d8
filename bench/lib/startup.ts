/**
 * Starts the real service (`npm start`) on a warm index, measures the time
 * until GET /healthz answers, drives /api/chat with a question list, and reads
 * the resident memory of the server process from /proc.
 */
import { BENCH_LIMITS } from './cookieJar.js';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { percentile } from './metrics.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Every process in the tree under `pid`. */
function descendants(pid: number): number[] {
  const out = [pid];
  try {
    const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
    for (const k of kids) out.push(...descendants(k));
  } catch {
    // no children
  }
  return out;
}

function memoryOf(pid: number): { rss: number; hwm: number; cmd: string } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, cmd };
  } catch {
    return { rss: 0, hwm: 0, cmd: '' };
  }
}

export interface StartupFigures {
  readonly readyMs: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly rssMb: number;
  readonly peakMb: number;
}

export async function measureStartup(databasePath: string, questions: readonly string[]): Promise<StartupFigures> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      LOG_LEVEL: 'warn',
      ...BENCH_LIMITS,
    },
    stdio: 'ignore',
    detached: true,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    let readyMs = Number.NaN;
    for (let i = 0; i < 300; i++) {
      try {
        const res = await fetch(`${base}/healthz`);
        if (res.ok) {
          readyMs = performance.now() - started;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!Number.isFinite(readyMs)) throw new Error('the server did not become ready within 6 s');
    const lat: number[] = [];
    for (const [i, q] of questions.entries()) {
      const t = performance.now();
      const res = await fetch(`${base}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: `bench-${i % 50}`, text: q }),
      });
      await res.json();
      lat.push(performance.now() - t);
    }
    // The server is the node process running src/main.ts deepest in the tree (npm → tsx → node).
    const procs = descendants(child.pid ?? 0)
      .map(memoryOf)
      .filter((m) => m.cmd.includes('src/main.ts'));
    const server = procs.sort((a, b) => b.rss - a.rss)[0] ?? { rss: Number.NaN, hwm: Number.NaN };
    return {
      readyMs,
      requests: questions.length,
      p50Ms: percentile(lat, 50),
      p95Ms: percentile(lat, 95),
      rssMb: server.rss,
      peakMb: server.hwm,
    };
  } finally {
    try {
      process.kill(-(child.pid ?? 0), 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
