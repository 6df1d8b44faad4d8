import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary working folder for one benchmark run. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hocvuso-bench-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
