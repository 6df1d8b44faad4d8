/**
 * `npm run bench:llm` — the language-model path, measured without a network.
 *
 * Replays the real-question dev set (both halves) and the golden set through
 * three services over one index: the extractive answerer (no model, the
 * baseline), a fake model that answers only from the passages it is given
 * (bench/lib/fakeModels.ts), and one that adds an invented fact to every
 * answer. Reports, in one run:
 *
 * - prompt tokens per question (estimated as the core does, 1.4 a word plus
 *   one a punctuation mark, and counted with the o200k tokenizer when
 *   js-tiktoken is installed);
 * - the share of model answers shown whose citations all point at given passages;
 * - the share of invented facts that reach the resident;
 * - the cache hit rate over a replayed day of questions;
 * - how many questions the extractive layer called "not sure" now get a
 *   grounded answer, and whether it is right (real set: it holds the key
 *   facts; golden: the cited page is the expected one).
 *
 * Figures are printed and written to bench/out/llm.json; `-- --details`
 * also prints how each question moved and the answers that went wrong.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import type { ChatMessage, ChatModel } from '../src/core/ports.js';
import type { QaAnswer } from '../src/core/qa/answerer.js';
import { citationsIn, UNSURE_MARKER, withoutCitations } from '../src/core/qa/grounded.js';
import { estimateTokens } from '../src/core/qa/modelContext.js';
import { createLogger } from '../src/logger.js';
import { createServices, type Services } from '../src/services.js';
import { INVENTIONS, InventingModel, parsePrompt, ReaderModel } from './lib/fakeModels.js';
import { loadGolden, type GoldenQuestion } from './lib/golden.js';
import { f3, percentile, table } from './lib/metrics.js';
import { judge, loadRealSet, type RealQuestion, type Verdict } from './lib/realSet.js';
import { tempDir } from './lib/temp.js';

const logger = createLogger('silent');
/** The careful reader answers only from a passage holding this share of the question's topic words (the eager one: 0.4). */
const CAREFUL = 0.6;
const work = tempDir();
const DB = join(work.dir, 'llm.db');

function servicesWith(chatModel?: ChatModel): Services {
  return createServices(
    loadConfig({ DATABASE_PATH: DB, KNOWLEDGE_DIR: 'knowledge', LLM_REQUESTS_PER_MINUTE: '0' }),
    logger,
    chatModel ? { chatModel } : {},
  );
}

/** Tokens of one request as the model would bill them: both messages and a few per message for the roles. */
type Counter = (messages: readonly ChatMessage[]) => number;
const estimated: Counter = (messages) => messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 2);

async function o200k(): Promise<Counter | undefined> {
  try {
    const { getEncoding } = (await import('js-tiktoken')) as {
      getEncoding: (name: string) => { encode: (t: string) => number[] };
    };
    const enc = getEncoding('o200k_base');
    return (messages) => messages.reduce((n, m) => n + enc.encode(m.content).length + 4, 2);
  } catch {
    return undefined;
  }
}

interface Case {
  readonly set: 'real:holdout' | 'real:tune' | 'golden';
  readonly q: string;
  readonly real?: RealQuestion;
  readonly golden?: GoldenQuestion;
  readonly inScope: boolean;
}

function cases(): Case[] {
  const real = loadRealSet('bench/real/raw').map((r): Case => ({
    set: `real:${r.half}`,
    q: r.q,
    real: r,
    inScope: r.scope === 'in',
  }));
  const golden = loadGolden('bench/golden').map((g): Case => ({ set: 'golden', q: g.q, golden: g, inScope: !g.oos }));
  return [...real, ...golden];
}

type Outcome = 'right' | 'unsure' | 'wrong' | 'unjudged';

/** Real set: the verdict of realSet.ts; golden: right when the shown source is an expected page (or "not sure" out of scope). */
function outcomeOf(c: Case, a: QaAnswer): Outcome {
  if (c.real) {
    const v: Verdict = judge(c.real, a.confident, a.text);
    return v === 'useful' ? 'right' : v;
  }
  const g = c.golden;
  if (!g) return 'unjudged';
  if (g.oos) return a.confident ? 'wrong' : 'right';
  if (!a.confident) return 'unsure';
  return g.docs.includes(a.sources[0]?.ref ?? '') ? 'right' : 'wrong';
}

interface Row {
  readonly c: Case;
  readonly base: QaAnswer;
  readonly llm: QaAnswer;
  /** The same question through the careful reader. */
  readonly careful: QaAnswer;
  readonly carefulOutcome: Outcome;
  readonly baseOutcome: Outcome;
  readonly llmOutcome: Outcome;
  readonly tokens: number;
  readonly tokensO200k?: number;
  readonly requests: number;
  /** The reply was shown (not refused, not replaced by the extractive answer). */
  readonly shown: boolean;
  /** Every citation of the shown reply points at a passage of its prompt. */
  readonly citationsValid: boolean;
}

/** True when the answer is the model's reply (its body, citations removed), not the extractive one. */
function shownReply(a: QaAnswer, reply: string | undefined): boolean {
  if (!reply || reply.includes(UNSURE_MARKER)) return false;
  return a.confident && a.text.startsWith(withoutCitations(reply.replace(/\*\*/g, '').trim()));
}

async function main(): Promise<void> {
  const all = cases();
  const base = servicesWith();
  await base.ingest({ force: true });
  const reader = new ReaderModel();
  const llm = servicesWith(reader);
  await llm.load();
  const careful = servicesWith(new ReaderModel(CAREFUL));
  await careful.load();
  const inventor = new InventingModel();
  const inventing = servicesWith(inventor);
  await inventing.load();
  const exact = await o200k();

  // 1. Every question through the extractive answerer and the reader.
  const rows: Row[] = [];
  for (const c of all) {
    const b = await base.engine.ask(c.q);
    const before = reader.requests.length;
    const a = await llm.engine.ask(c.q);
    const k = await careful.engine.ask(c.q);
    const sent = reader.requests.slice(before);
    const reply = reader.replies.at(-1);
    const shown = sent.length > 0 && shownReply(a, reply);
    const given = new Set(
      parsePrompt(sent.at(-1)?.find((m) => m.role === 'user')?.content ?? '').passages.map((p) => p.n),
    );
    rows.push({
      c,
      base: b,
      llm: a,
      careful: k,
      carefulOutcome: outcomeOf(c, k),
      baseOutcome: outcomeOf(c, b),
      llmOutcome: outcomeOf(c, a),
      tokens: sent.reduce((n, m) => n + estimated(m), 0),
      tokensO200k: exact ? sent.reduce((n, m) => n + exact(m), 0) : undefined,
      requests: sent.length,
      shown,
      citationsValid: shown && citationsIn(reply ?? '').every((n) => given.has(n)),
    });
  }

  // 2. The inventing model over the in-scope questions: how many inventions reach the resident.
  let invented = 0;
  let reached = 0;
  const reachedKinds: Record<string, number> = {};
  for (const c of all.filter((x) => x.inScope)) {
    inventor.last = undefined;
    const a = await inventing.engine.ask(c.q);
    const inv = inventor.last as (typeof INVENTIONS)[number] | undefined;
    if (!inv) continue;
    invented++;
    if (a.text.includes(inv.marker)) {
      reached++;
      reachedKinds[inv.kind] = (reachedKinds[inv.kind] ?? 0) + 1;
    }
  }

  // 3. A replayed day: common questions asked again and again (Zipf), as typed by different residents.
  const day = replayedDay(all.filter((x) => x.inScope).map((x) => x.q));
  const dayModel = new ReaderModel();
  const daySvc = servicesWith(dayModel);
  await daySvc.load();
  for (const q of day) await daySvc.engine.ask(q);
  const stats = daySvc.writer?.cache?.stats() ?? { hits: 0, misses: 0 };

  // `-- --details`: how each question moved between outcomes, and the answers that went from right to wrong.
  if (process.argv.includes('--details')) {
    const moves: Record<string, number> = {};
    for (const r of rows) {
      const k = `${r.c.set}: ${r.baseOutcome} -> ${r.llmOutcome}`;
      moves[k] = (moves[k] ?? 0) + 1;
    }
    console.log(moves);
    for (const r of rows.filter((x) => !x.c.inScope && x.llm.confident))
      console.log(`--- out of scope, answered: ${r.c.q}\nmodel: ${r.llm.text.slice(0, 200)}`);
    for (const r of rows.filter((x) => x.baseOutcome === 'right' && x.llmOutcome === 'wrong'))
      console.log(`--- ${r.c.q}\nextractive: ${r.base.text.slice(0, 300)}\nmodel: ${r.llm.text.slice(0, 400)}`);
  }
  report(rows, { invented, reached, reachedKinds }, { asks: day.length, requests: dayModel.requests.length, ...stats });
  for (const s of [base, llm, careful, inventing, daySvc]) s.close();
  work.cleanup();
}

/** A deterministic day of asks: 400 questions drawn with Zipf weights over the set, a third retyped. */
function replayedDay(questions: readonly string[]): string[] {
  let seed = 20261206;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pool = questions.slice(0, 120);
  const weights = pool.map((_, i) => 1 / (i + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  for (let k = 0; k < 400; k++) {
    let r = next() * total;
    let i = 0;
    while (i < pool.length - 1 && (r -= weights[i] ?? 0) > 0) i++;
    const q = pool[i] ?? '';
    const v = next();
    // The same question retyped: capitals, a question mark, extra spaces (marks kept: they change retrieval).
    out.push(v < 0.15 ? q.toUpperCase() : v < 0.3 ? `  ${q} ?` : q);
  }
  return out;
}

function report(
  rows: readonly Row[],
  inv: { invented: number; reached: number; reachedKinds: Record<string, number> },
  day: { asks: number; requests: number; hits: number; misses: number },
): void {
  const out: Record<string, unknown> = {};
  const asked = rows.filter((r) => r.requests > 0);
  const tok = asked.map((r) => r.tokens);
  const tokExact = asked.map((r) => r.tokensO200k ?? 0);
  const avg = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  console.log(`\n== Prompt size (${asked.length} of ${rows.length} questions reached the model) ==`);
  console.log(
    table(
      ['count', 'avg tokens/question', 'p95', 'max'],
      [
        [
          'estimate (1.4/word + 1/punct.)',
          avg(tok).toFixed(0),
          percentile(tok, 95).toFixed(0),
          Math.max(...tok).toFixed(0),
        ],
        ...(rows[0]?.tokensO200k !== undefined
          ? [
              [
                'o200k tokenizer',
                avg(tokExact).toFixed(0),
                percentile(tokExact, 95).toFixed(0),
                Math.max(...tokExact).toFixed(0),
              ],
            ]
          : []),
      ],
    ),
  );
  out.tokens = {
    questionsToModel: asked.length,
    avgEstimate: avg(tok),
    p95Estimate: percentile(tok, 95),
    avgO200k: avg(tokExact),
  };

  console.log('\n== Answers: extractive (baseline) vs the model answering from the passages ==');
  const figureRows: string[][] = [];
  for (const set of ['real:holdout', 'real:tune', 'golden'] as const) {
    const inSet = rows.filter((r) => r.c.set === set);
    for (const [name, pick] of [
      ['extractive (no model)', (r: Row) => r.baseOutcome],
      ['model: eager reader', (r: Row) => r.llmOutcome],
      ['model: careful reader', (r: Row) => r.carefulOutcome],
    ] as const) {
      const judged = inSet.filter((r) => pick(r) !== 'unjudged');
      const inScope = judged.filter((r) => r.c.inScope);
      const share = (k: number, n: number): string => f3(n > 0 ? k / n : 0);
      const right = judged.filter((r) => pick(r) === 'right').length;
      const unsure = inScope.filter((r) => pick(r) === 'unsure').length;
      const wrong = judged.filter((r) => pick(r) === 'wrong').length;
      figureRows.push([
        set,
        name,
        String(judged.length),
        share(right, judged.length),
        share(unsure, inScope.length),
        share(wrong, judged.length),
      ]);
      out[`${set}:${name}`] = { judged: judged.length, right, unsure, wrong };
    }
  }
  console.log(
    table(['set', 'system', 'judged', 'right/useful', 'not sure (in scope)', 'confident & wrong'], figureRows),
  );
  console.log(
    '  (real: useful = confident and holds every key fact; golden: right = the first source shown is an expected page, or "not sure" out of scope)',
  );

  const oos = rows.filter((r) => !r.c.inScope);
  const unsureOf = (pick: (r: Row) => QaAnswer): number => oos.filter((r) => !pick(r).confident).length;
  console.log(
    `out-of-scope questions (real and golden) answered "not sure": extractive ${unsureOf((r) => r.base)}/${oos.length}, ` +
      `eager reader ${unsureOf((r) => r.llm)}/${oos.length}, careful reader ${unsureOf((r) => r.careful)}/${oos.length}`,
  );
  out.outOfScope = {
    n: oos.length,
    extractiveUnsure: unsureOf((r) => r.base),
    eagerUnsure: unsureOf((r) => r.llm),
    carefulUnsure: unsureOf((r) => r.careful),
  };

  const rescued = rows.filter((r) => r.c.inScope && !r.base.confident);
  console.log(
    `\n== "Not sure" before, grounded answer now ==\nin-scope questions the extractive layer called "not sure": ${rescued.length}`,
  );
  for (const [name, answer, outcome] of [
    ['eager reader', (r: Row) => r.llm, (r: Row) => r.llmOutcome],
    ['careful reader', (r: Row) => r.careful, (r: Row) => r.carefulOutcome],
  ] as const) {
    const now = rescued.filter((r) => answer(r).confident);
    const right = now.filter((r) => outcome(r) === 'right').length;
    const wrong = now.filter((r) => outcome(r) === 'wrong').length;
    const lost = rows.filter((r) => r.c.inScope && r.base.confident && !answer(r).confident).length;
    console.log(
      `  ${name}: ${now.length} now answered from the passages (right ${right}, wrong ${wrong}); ` +
        `${lost} answered before are now refused`,
    );
    out[`rescued:${name}`] = { unsureBefore: rescued.length, answeredNow: now.length, right, wrong, refusedNow: lost };
  }

  const shown = rows.filter((r) => r.shown);
  const valid = shown.filter((r) => r.citationsValid).length;
  console.log(
    `\n== Grounding ==\n` +
      `model answers shown: ${shown.length}; citations all pointing at given passages: ${f3(valid / Math.max(shown.length, 1))} (${valid}/${shown.length})\n` +
      `inventing model: ${inv.invented} replies with an invented fact or citation; reached the resident: ${f3(inv.reached / Math.max(inv.invented, 1))} (${inv.reached}/${inv.invented})` +
      (inv.reached > 0 ? ` ${JSON.stringify(inv.reachedKinds)}` : ''),
  );
  out.grounding = { shown: shown.length, citationsValid: valid, invented: inv.invented, inventedReached: inv.reached };

  const lookups = day.hits + day.misses;
  console.log(
    `\n== Cache over a replayed day ==\n` +
      `${day.asks} asks (Zipf over 120 questions, a third retyped): ${day.requests} model requests, ` +
      `cache hit rate ${f3(day.hits / Math.max(lookups, 1))} (${day.hits}/${lookups} lookups)`,
  );
  out.cache = day;
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/llm.json', JSON.stringify(out, null, 2));
  console.log('\nFigures written to bench/out/llm.json');
}

await main();
