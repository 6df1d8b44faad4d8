/**
 * @module cli/quiz
 *
 * `cli quiz check`: validates every quiz bank and commune.yaml the way the
 * service will load them, and lists what it found, so staff who edited a bank
 * learn before a resident does that a quiz was left out and why. Exits 1 on
 * any problem (scripts and CI notice); warnings alone do not fail.
 */
import { join } from 'node:path';
import { loadCommune } from '../content/loadCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from '../content/loadQuizzes.js';
import type { CliContext } from './index.js';

const QUIZ_USAGE = 'Usage: npm run -s cli -- quiz check';

export async function runQuiz(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check' || rest.length > 0) {
    const what = sub === undefined ? 'Missing quiz command' : `Unknown quiz command "${args.join(' ')}"`;
    process.stderr.write(`${what}.\n${QUIZ_USAGE}\n`);
    return 1;
  }
  return runQuizCheck(ctx);
}

export async function runQuizCheck(ctx: CliContext): Promise<number> {
  const dir = ctx.config.KNOWLEDGE_DIR;
  const banks = await loadQuizBanks(dir);
  const { commune, problems: communeProblems, warnings } = await loadCommune(dir, new MemoryQuizCatalog(banks.quizzes));
  const catalog = new MemoryQuizCatalog(banks.quizzes, commune.coreQuizzes);
  const core = new Set(commune.coreQuizzes);
  const out = ctx.stdout;

  out.write(`Quiz banks in ${join(dir, 'quizzes')}:\n`);
  for (const quiz of catalog.list()) {
    out.write(
      `  ✓ ${quiz.id} – ${quiz.title}: ${quiz.questions.length} questions, pass ${Math.round(quiz.passScore * 100)}%` +
        `${core.has(quiz.id) ? ' (core)' : ''}\n`,
    );
  }
  out.write(
    `Commune: ${commune.name}: ${commune.hamlets.length} hamlets, ${commune.groups.length} target groups, ` +
      `targets for ${commune.targets.map((t) => t.year).join(', ') || 'no year'}, ` +
      `${commune.coreQuizzes.length} core quizzes.\n`,
  );
  for (const w of warnings) out.write(`  ? ${w}\n`);
  const problems = [...banks.problems, ...communeProblems];
  for (const p of problems) out.write(`  ! ${p}\n`);
  out.write(
    `${catalog.list().length} quizzes ready, ${problems.length} problem${problems.length === 1 ? '' : 's'}` +
      `${warnings.length > 0 ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}.\n`,
  );
  return problems.length > 0 ? 1 : 0;
}
