/**
 * Retrieval and latency figures shared by the benchmarks.
 */

export interface RankedCase {
  /** Acceptable answers (document refs). */
  readonly gold: readonly string[];
  /** Retrieved refs, best first. */
  readonly ranked: readonly string[];
}

export interface RetrievalFigures {
  readonly n: number;
  readonly hit1: number;
  readonly hit3: number;
  readonly mrr: number;
}

export function retrievalFigures(cases: readonly RankedCase[], mrrDepth = 10): RetrievalFigures {
  let hit1 = 0;
  let hit3 = 0;
  let rr = 0;
  for (const c of cases) {
    const rank = c.ranked.slice(0, mrrDepth).findIndex((r) => c.gold.includes(r));
    if (rank === 0) hit1++;
    if (rank >= 0 && rank < 3) hit3++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const n = cases.length;
  return { n, hit1: n ? hit1 / n : 0, hit3: n ? hit3 / n : 0, mrr: n ? rr / n : 0 };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? Number.NaN;
}

export const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
export const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : 'n/a');

/** Prints rows as an aligned text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Minimal RFC 4180 CSV parser (quoted fields with commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}
