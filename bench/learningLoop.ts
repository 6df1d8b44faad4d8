/**
 * `npm run bench:learning` — how long the learning loop's grouping
 * (src/core/learning/grouping.ts) takes on 10,000 questions, against a naive
 * leader clustering in the same run (each question compared with every
 * leader, Jaccard over the same folded syllables and bigrams).
 *
 * The questions are variants of the real-question set (bench/real/raw) and
 * the golden set (bench/golden): the same question without marks, in NFD,
 * with chat shorthand, a doubled letter, a polite opening or ending. A
 * variant's "source" is the question it was made from, so the run also
 * reports how pure the groups are (members from one source) and how many
 * sources were split over several groups, which is what the threshold trades.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_GROUP_THRESHOLD, groupQuestions, type QuestionGroup } from '../src/core/learning/grouping.js';
import { bigrams, foldMarks, tokenize } from '../src/core/text/normalize.js';

const N = 10_000;
const here = import.meta.dirname;

function loadQuestions(): string[] {
  const out = new Set<string>();
  for (const dir of [join(here, 'real', 'raw'), join(here, 'golden')]) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const q = (JSON.parse(line) as { q?: unknown }).q;
        if (typeof q === 'string' && q.trim()) out.add(q.trim());
      }
    }
  }
  return [...out].sort();
}

/** Park–Miller PRNG: the same questions every run. */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const SHORTHAND: [RegExp, string][] = [
  [/không/gu, 'ko'],
  [/được/gu, 'dc'],
  [/số điện thoại/gu, 'sdt'],
  [/gì/gu, 'j'],
];
const OPENINGS = ['cho em hỏi ', 'cho mình hỏi ', 'ad ơi ', 'xin hỏi ', ''];
const ENDINGS = [' ạ', ' với ạ', '?', ' nhé', ''];

function variant(q: string, rnd: () => number): string {
  let v = q;
  const r = rnd();
  if (r < 0.3) v = foldMarks(v);
  else if (r < 0.4) v = v.normalize('NFD');
  if (rnd() < 0.4) for (const [re, s] of SHORTHAND) v = v.replace(re, s);
  if (rnd() < 0.3) {
    const words = v.split(' ');
    const i = Math.floor(rnd() * words.length);
    const w = words[i] ?? '';
    if (w.length > 3) words[i] = w + (w.at(-1) ?? '');
    v = words.join(' ');
  }
  const open = OPENINGS[Math.floor(rnd() * OPENINGS.length)] ?? '';
  const end = ENDINGS[Math.floor(rnd() * ENDINGS.length)] ?? '';
  return `${open}${v}${end}`;
}

/** The obvious way: compare each question with every leader so far. */
function naiveGroups(texts: readonly string[], threshold: number): number[][] {
  const leaders: Set<string>[] = [];
  const groups: number[][] = [];
  texts.forEach((t, i) => {
    const tokens = tokenize(t);
    const terms = new Set([...tokens, ...bigrams(tokens)]);
    let best = -1;
    let bestSim = threshold;
    leaders.forEach((l, g) => {
      let inter = 0;
      for (const x of terms) if (l.has(x)) inter++;
      const sim = inter / (terms.size + l.size - inter || 1);
      if (sim >= bestSim && (best < 0 || sim > bestSim)) {
        best = g;
        bestSim = sim;
      }
    });
    if (best >= 0) groups[best]?.push(i);
    else {
      leaders.push(terms);
      groups.push([i]);
    }
  });
  return groups;
}

function quality(groups: readonly (readonly number[])[], source: readonly number[]): { pure: number; split: number } {
  let pure = 0;
  const groupsOfSource = new Map<number, Set<number>>();
  groups.forEach((members, g) => {
    const sources = new Set(members.map((m) => source[m]));
    if (sources.size === 1) pure++;
    for (const s of sources) {
      if (s === undefined) continue;
      const set = groupsOfSource.get(s) ?? new Set<number>();
      set.add(g);
      groupsOfSource.set(s, set);
    }
  });
  const split = [...groupsOfSource.values()].filter((s) => s.size > 1).length;
  return { pure: pure / Math.max(1, groups.length), split: split / Math.max(1, groupsOfSource.size) };
}

const base = loadQuestions();
const rnd = prng(42);
const texts: string[] = [];
const source: number[] = [];
for (let i = 0; i < N; i++) {
  const s = Math.floor(rnd() * base.length);
  texts.push(variant(base[s] ?? '', rnd));
  source.push(s);
}
const items = texts.map((text, i) => ({ id: String(i), text }));

// One warm-up run, so the figure is the steady cost, not module loading.
groupQuestions(items.slice(0, 200));
let t0 = performance.now();
const groups: QuestionGroup[] = groupQuestions(items);
const fastMs = performance.now() - t0;
t0 = performance.now();
const naive = naiveGroups(texts, 0.5);
const naiveMs = performance.now() - t0;

const q = quality(
  groups.map((g) => g.members),
  source,
);
const qn = quality(naive, source);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
console.log(
  `${N.toLocaleString('en')} questions from ${base.length} real questions (threshold ${DEFAULT_GROUP_THRESHOLD})`,
);
console.log(
  `grouping (inverted index, IDF cosine): ${fastMs.toFixed(0)} ms, ${groups.length} groups, ` +
    `pure ${pct(q.pure)}, sources split ${pct(q.split)}`,
);
console.log(
  `naive (every leader, Jaccard):         ${naiveMs.toFixed(0)} ms, ${naive.length} groups, ` +
    `pure ${pct(qn.pure)}, sources split ${pct(qn.split)}`,
);
console.log(fastMs <= 5000 ? 'within the 5 s budget' : 'OVER the 5 s budget');
