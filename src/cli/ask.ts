/**
 * @module cli/ask
 *
 * `cli ask`: the Q&A of the engine without a conversation, for people and for
 * measurement. With `--json` it prints exactly the public shape of DESIGN.md;
 * with no question argument it answers every stdin line in one process, so a
 * whole question set runs without paying start-up per question.
 */
import { createInterface } from 'node:readline';
import type { QaAnswer } from '../core/qa/answerer.js';
import type { Engine } from '../core/conversation/engine.js';
import { createServices } from '../services.js';
import type { CliContext } from './index.js';

/** The public JSON shape of one answer (DESIGN.md, "Public interfaces"). */
export function toAskJson(a: QaAnswer): {
  answer: string;
  sources: { title: string; ref: string; score: number }[];
  confident: boolean;
} {
  return {
    answer: a.text,
    sources: a.sources.map(({ title, ref, score }) => ({ title, ref, score })),
    confident: a.confident,
  };
}

function formatText(a: QaAnswer): string {
  const sources = a.sources.map((s, i) => `  ${i + 1}. ${s.title} [${s.ref}] (${s.score})`).join('\n');
  return `${a.text}\n\n${a.confident ? 'confident' : 'NOT confident'} – retrieved:\n${sources || '  (none)'}\n`;
}

export async function runAsk(
  ctx: CliContext,
  parsed: { values: { json?: boolean }; positionals: string[] },
): Promise<number> {
  const json = parsed.values.json === true;
  const print = (a: QaAnswer): void => {
    ctx.stdout.write(json ? `${JSON.stringify(toAskJson(a))}\n` : `${formatText(a)}\n`);
  };
  const answerAll = async (engine: Engine): Promise<number> => {
    if (parsed.positionals.length > 0) {
      print(await engine.ask(parsed.positionals.join(' ')));
      return 0;
    }
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      print(await engine.ask(line));
    }
    return 0;
  };
  const url = ctx.config.DATABASE_URL;
  if (url !== undefined) {
    // PostgreSQL: the commune's knowledge, settings and logs are that database's (issue 20).
    const [{ openPgDatabase }, { openPgCommune }, { pgConnectionProblem }] = await Promise.all([
      import('../storage/pg/db.js'),
      import('../pgCommune.js'),
      import('../storage/pg/pgProblems.js'),
    ]);
    const pg = openPgDatabase(url, { applicationName: 'hocvuso-cli' });
    try {
      const commune = await openPgCommune(ctx.config, ctx.logger, pg, ctx.config.COMMUNE_ID);
      return await answerAll(commune.engine);
    } catch (err) {
      const problem = pgConnectionProblem(err);
      if (problem === undefined) throw err;
      process.stderr.write(`Lỗi: ${problem}\n`);
      return 1;
    } finally {
      await pg.destroy();
    }
  }
  const services = createServices(ctx.config, ctx.logger);
  try {
    await services.ingest();
    return await answerAll(services.engine);
  } finally {
    services.close();
  }
}
