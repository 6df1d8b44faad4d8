/**
 * The real-question dev set (bench/real/raw/*.jsonl): questions real people
 * wrote publicly, each with the address it came from and the key facts a
 * right answer must contain. It is split in two halves by a stable hash of
 * the question, so adding questions never moves an old one between halves:
 * the team tunes on "tune" and `bench:qa` reports "holdout" untouched.
 *
 * Judging is mechanical: an answer is useful when it is confident and holds
 * every key fact (each fact a list of acceptable wordings, compared with
 * marks folded); for an out-of-scope question, "not sure" is the useful answer.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { foldMarks } from '../../src/core/text/normalize.js';

const Line = z.object({
  q: z.string().min(1),
  url: z.string().min(8),
  by: z.enum(['citizen', 'faq']),
  topic: z.string(),
  scope: z.enum(['in', 'out']),
  facts: z.array(z.array(z.string().min(1)).min(1)),
  docs: z.array(z.string()),
  note: z.string().optional(),
});

export type RealQuestion = z.infer<typeof Line> & { readonly half: 'tune' | 'holdout'; readonly file: string };

/** Stable half of a question: the first byte of its SHA-256, even → tune, odd → holdout. */
export function halfOf(question: string): 'tune' | 'holdout' {
  const byte = createHash('sha256').update(question.normalize('NFC')).digest()[0] ?? 0;
  return byte % 2 === 0 ? 'tune' : 'holdout';
}

export function loadRealSet(dir: string): RealQuestion[] {
  const out: RealQuestion[] = [];
  const seen = new Set<string>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        const parsed = Line.safeParse(JSON.parse(line));
        if (!parsed.success)
          throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
        const key = foldMarks(parsed.data.q).replace(/\s+/g, ' ').trim();
        if (seen.has(key)) return;
        seen.add(key);
        out.push({ ...parsed.data, half: halfOf(parsed.data.q), file });
      });
  }
  return out;
}

function folded(text: string): string {
  return foldMarks(text).replace(/\s+/g, ' ');
}

/** True when the text holds every fact (any one wording of each). */
export function holdsFacts(text: string, facts: readonly (readonly string[])[]): boolean {
  const t = folded(text);
  return facts.every((group) => group.some((f) => t.includes(folded(f))));
}

export type Verdict = 'useful' | 'unsure' | 'wrong' | 'unjudged';

/** The verdict on one answer. */
export function judge(q: RealQuestion, confident: boolean, text: string): Verdict {
  if (q.scope === 'out') return confident ? 'wrong' : 'useful';
  if (q.facts.length === 0) return 'unjudged';
  if (!confident) return 'unsure';
  return holdsFacts(text, q.facts) ? 'useful' : 'wrong';
}

export interface RealFigures {
  readonly n: number;
  readonly judged: number;
  readonly inScope: number;
  /** Useful answers over judged questions. */
  readonly useful: number;
  /** "Not sure" over judged in-scope questions. */
  readonly unsureInScope: number;
  /** Confident and wrong over judged questions. */
  readonly confidentWrong: number;
}

export function realFigures(verdicts: readonly { q: RealQuestion; v: Verdict }[]): RealFigures {
  const judged = verdicts.filter((x) => x.v !== 'unjudged');
  const inScope = judged.filter((x) => x.q.scope === 'in');
  const rate = (k: number, n: number): number => (n > 0 ? k / n : 0);
  return {
    n: verdicts.length,
    judged: judged.length,
    inScope: inScope.length,
    useful: rate(judged.filter((x) => x.v === 'useful').length, judged.length),
    unsureInScope: rate(inScope.filter((x) => x.v === 'unsure').length, inScope.length),
    confidentWrong: rate(judged.filter((x) => x.v === 'wrong').length, judged.length),
  };
}
