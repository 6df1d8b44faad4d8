/**
 * Preloaded into the service by `bench:load` (`node --import tsx --import
 * ./bench/lib/memoryProbe.ts src/main.ts`), never by `npm start`: on SIGUSR2
 * it writes the process's memory figures as JSON to MEMORY_PROBE_FILE, so the
 * bench reads the V8 heap of the real service without an inspector port or a
 * new route. When the file `MEMORY_PROBE_FILE.gc` exists (the bench writes
 * it) and the process runs with `--expose-gc`, full collections run first, so
 * "heap used" is then what is still reachable rather than garbage not yet
 * collected. When the file `MEMORY_PROBE_FILE.snap` exists, it holds a path: a
 * heap snapshot is written there (for finding what holds the memory, in
 * Chrome DevTools' Memory tab).
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.MEMORY_PROBE_FILE;
const collect = (globalThis as { gc?: () => void }).gc;

async function report(path: string): Promise<void> {
  const collected = existsSync(`${path}.gc`) && collect !== undefined;
  if (collected) {
    rmSync(`${path}.gc`, { force: true });
    collect();
    // Objects freed by the first collection may hold FinalizationRegistry cells (undici's Request
    // does) that are only cleared once their cleanup task has run: let it run, then collect again.
    await new Promise((r) => setTimeout(r, 200));
    collect();
  }
  if (existsSync(`${path}.snap`)) {
    const target = readFileSync(`${path}.snap`, 'utf8').trim();
    rmSync(`${path}.snap`, { force: true });
    writeHeapSnapshot(target);
  }
  const stats = getHeapSpaceStatistics();
  const spaces = Object.fromEntries(stats.map((s) => [s.space_name, s.space_used_size]));
  const committed = Object.fromEntries(stats.map((s) => [s.space_name, s.physical_space_size]));
  writeFileSync(`${path}.tmp`, JSON.stringify({ collected, ...process.memoryUsage(), spaces, committed }));
  // Renamed into place so the bench never reads a half-written file.
  renameSync(`${path}.tmp`, path);
}

if (file) process.on('SIGUSR2', () => void report(file));
