/**
 * What a benchmark reads about a process from /proc: CPU time used so far and
 * resident memory. Shared by the benches that run the service as a child
 * process (load, zalo, scale), so each figure means the same thing in all.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (field 3 onwards), or undefined when gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const HZ = 100;

/** CPU seconds used so far by a process (user + system), from /proc; NaN when the process is gone. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  if (!f) return Number.NaN;
  return (Number(f[11]) + Number(f[12])) / HZ;
}

/** CPU seconds of a process and of its children it has waited for (a server's exited workers). */
function cpuWithReaped(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / HZ;
}

/** The pids whose parent is `pid` (a PostgreSQL postmaster's backends and workers). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (Number(statFields(Number(name))?.[1]) === pid) out.push(Number(name));
  }
  return out;
}

/**
 * CPU seconds used so far by a server and all its workers: the parent's own
 * time, what its exited children used (reaped), and its live children's.
 */
export function treeCpuSeconds(pid: number): number {
  return cpuWithReaped(pid) + childrenOf(pid).reduce((sum, c) => sum + cpuWithReaped(c), 0);
}

export interface Rss {
  readonly rssMb: number;
  /** The peak resident memory since start (VmHWM). */
  readonly peakMb: number;
}

export function rssOf(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
