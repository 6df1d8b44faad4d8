/**
 * Loads the golden question set (bench/golden/*.jsonl).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasVietnameseMarks } from '../../src/core/text/normalize.js';

export interface GoldenQuestion {
  readonly q: string;
  readonly docs: readonly string[];
  readonly oos: boolean;
  readonly marked: boolean;
  readonly file: string;
}

export function loadGolden(dir: string): GoldenQuestion[] {
  const out: GoldenQuestion[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let raw: { q?: unknown; docs?: unknown; oos?: unknown };
      try {
        raw = JSON.parse(line) as typeof raw;
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
      if (typeof raw.q !== 'string' || !Array.isArray(raw.docs)) throw new Error(`${file}:${i + 1}: needs q and docs`);
      const docs = raw.docs.map(String);
      const oos = raw.oos === true || docs.length === 0;
      out.push({ q: raw.q, docs, oos, marked: hasVietnameseMarks(raw.q), file });
    });
  }
  return out;
}
