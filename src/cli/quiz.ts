/**
 * @module cli/quiz
 *
 * `cli quiz check`: validates every quiz bank and commune.yaml the way the
 * service will load them, and lists what it found, so staff who edited a bank
 * learn before a resident does that a quiz was left out and why. Exits 1 on
 * any problem (scripts and CI notice); warnings alone do not fail.
 */
import { join } from 'node:path';
import { communeContent, communeWithoutFile, loadCommuneQuizBanks } from '../content/communeContent.js';
import {
  checkCoreQuizzes,
  communeWarnings,
  COMMUNE_FILE,
  loadCommune,
  type CommuneConfig,
} from '../content/loadCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from '../content/loadQuizzes.js';
import type { CliContext } from './index.js';

const QUIZ_USAGE = 'Usage: npm run -s cli -- quiz check [--commune ID]';
const COMMUNE_ID = /^[a-z0-9-]{1,60}$/;

export async function runQuiz(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  const commune = rest[0] === '--commune' && rest.length === 2 ? rest[1] : undefined;
  if (sub !== 'check' || (rest.length > 0 && commune === undefined)) {
    const what = sub === undefined ? 'Missing quiz command' : `Unknown quiz command "${args.join(' ')}"`;
    process.stderr.write(`${what}.\n${QUIZ_USAGE}\n`);
    return 1;
  }
  if (commune !== undefined && !COMMUNE_ID.test(commune)) {
    process.stderr.write(`--commune: "${commune}" is not a commune id (lowercase letters, digits and "-").\n`);
    return 1;
  }
  return runQuizCheck(ctx, commune);
}

/** A commune of its own file has no targets until staff copy them from its plan (nothing falls back). */
function targetWarnings(commune: CommuneConfig): string[] {
  return commune.targets.length > 0
    ? []
    : [`${COMMUNE_FILE}: chưa có mục tiêu nào (mục "targets:"); báo cáo chưa so được với Kế hoạch của xã`];
}

/**
 * What one commune of a many-commune install loads (content/communeContent):
 * its banks over the national ones, and its own commune.yaml.
 */
async function communeParts(ctx: CliContext, communeId: string) {
  const content = await communeContent(ctx.config.KNOWLEDGE_DIR, communeId, ctx.config.COMMUNE_ID);
  const banks = await loadCommuneQuizBanks(content);
  if (content.communeFileDir !== undefined) {
    const loaded = await loadCommune(content.communeFileDir, new MemoryQuizCatalog(banks.quizzes));
    return { banks, ...loaded, warnings: [...loaded.warnings, ...targetWarnings(loaded.commune)] };
  }
  const commune = communeWithoutFile(communeId);
  const problems = [`${COMMUNE_FILE}: not found in ${content.folder} (run: cli commune add ${communeId} --name "…")`];
  problems.push(...checkCoreQuizzes(commune, new MemoryQuizCatalog(banks.quizzes)));
  return { banks, commune, problems, warnings: [...communeWarnings(commune), ...targetWarnings(commune)] };
}

export async function runQuizCheck(ctx: CliContext, communeId?: string): Promise<number> {
  const dir = ctx.config.KNOWLEDGE_DIR;
  const {
    banks,
    commune,
    problems: communeProblems,
    warnings,
  } = communeId === undefined
    ? await (async () => {
        const b = await loadQuizBanks(dir);
        return { banks: b, ...(await loadCommune(dir, new MemoryQuizCatalog(b.quizzes))) };
      })()
    : await communeParts(ctx, communeId);
  const catalog = new MemoryQuizCatalog(banks.quizzes, commune.coreQuizzes);
  const core = new Set(commune.coreQuizzes);
  const out = ctx.stdout;

  const own = communeId === undefined ? '' : ` with ${join(dir, 'communes', communeId, 'quizzes')} over them`;
  out.write(`Quiz banks in ${join(dir, 'quizzes')}${own}:\n`);
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
