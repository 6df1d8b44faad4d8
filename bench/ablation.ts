/**
 * `npm run bench:ablation` — is the no-LLM answerer sure only when the
 * knowledge base really holds the answer?
 *
 * The held-out real questions are answered "confidently and wrongly" far more
 * often than the tuning half, mostly when the base lacks the page the
 * resident needs and a page about something near it answers instead. That
 * case can be made on purpose without looking at the held-out half: for each
 * golden question and each in-scope question of the real set's tuning half,
 * the page(s) that answer it are removed from a copy of the knowledge folder
 * and the question is asked again. A well-calibrated answerer then says "not
 * sure" (its "did you mean" choices still help); every confident answer is a
 * guess from a neighbouring page, unless (real set only) it still holds every
 * key fact. FAQ entries whose source page was removed stay, as a staff member
 * could have left them: those answers are counted apart.
 *
 * Never reads the real set's held-out half.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services.js';
import { loadGolden } from './lib/golden.js';
import { f3, table } from './lib/metrics.js';
import { holdsFacts, loadRealSet } from './lib/realSet.js';
import { tempDir } from './lib/temp.js';

interface Case {
  readonly set: 'golden' | 'tune';
  readonly q: string;
  /** Pages removed before asking. */
  readonly docs: readonly string[];
  /** Key facts (real set), to tell a right answer from another page apart from a guess. */
  readonly facts?: readonly (readonly string[])[];
}

interface Tally {
  n: number;
  confident: number;
  /** Confident with a key fact missing (real set) or at all (golden). */
  wrong: number;
  /** Confident answers that were an FAQ entry (its source page removed, the entry kept). */
  faq: number;
}

const cases: Case[] = [
  ...loadGolden('bench/golden')
    .filter((g) => !g.oos && g.docs.length > 0 && g.docs.every((d) => d.endsWith('.md')))
    .map((g): Case => ({ set: 'golden', q: g.q, docs: g.docs })),
  ...loadRealSet('bench/real/raw')
    .filter((r) => r.half === 'tune' && r.scope === 'in' && r.docs.length > 0 && r.docs.every((d) => d.endsWith('.md')))
    .map((r): Case => ({ set: 'tune', q: r.q, docs: r.docs, facts: r.facts })),
];

const groups = new Map<string, Case[]>();
for (const c of cases) {
  const key = [...c.docs].sort().join('\n');
  groups.set(key, [...(groups.get(key) ?? []), c]);
}

const logger = createLogger('error');
const tally: Record<Case['set'], Tally> = {
  golden: { n: 0, confident: 0, wrong: 0, faq: 0 },
  tune: { n: 0, confident: 0, wrong: 0, faq: 0 },
};
const t0 = performance.now();
for (const [key, group] of groups) {
  const work = tempDir();
  try {
    const knowledge = join(work.dir, 'knowledge');
    cpSync('knowledge', knowledge, { recursive: true });
    for (const ref of key.split('\n')) rmSync(join(knowledge, ref), { force: true });
    const s = createServices(
      loadConfig({ DATABASE_PATH: join(work.dir, 'ablation.db'), KNOWLEDGE_DIR: knowledge }),
      logger,
    );
    await s.ingest({ force: true });
    for (const c of group) {
      const t = tally[c.set];
      t.n++;
      const a = await s.engine.ask(c.q);
      if (!a.confident) continue;
      t.confident++;
      if (a.kind === 'faq') t.faq++;
      if (!c.facts || !holdsFacts(a.text, c.facts)) t.wrong++;
    }
    s.close();
  } finally {
    work.cleanup();
  }
}

const rate = (k: number, n: number): string => f3(n > 0 ? k / n : 0);
console.log(
  `\n== Right page removed (${groups.size} knowledge copies, ${((performance.now() - t0) / 1000).toFixed(0)} s): the answer should be "not sure" ==`,
);
console.log(
  table(
    ['set', 'n', 'confident', 'confident & wrong', 'of which FAQ'],
    (['golden', 'tune'] as const).map((k) => {
      const t = tally[k];
      return [k, String(t.n), rate(t.confident, t.n), rate(t.wrong, t.n), String(t.faq)];
    }),
  ),
);
