/**
 * @module cli/chat
 *
 * `cli chat`: a conversation with the engine in the terminal, as a resident
 * would have it on a text-only channel: the last reply's buttons appear as a
 * numbered list and typing the number picks one. State is kept in memory, so trying the bot here
 * writes nothing to the commune's database but the index. With DATABASE_URL the commune
 * (COMMUNE_ID) is PostgreSQL's, opened as `cli ask` opens it; else the SQLite file's.
 */
import { createInterface } from 'node:readline';
import { CHOICES_HEADING, forTextOnly, hasNumberedLines, unnumberLines } from '../core/conversation/textOnly.js';
import type { Engine } from '../core/conversation/engine.js';
import type { OutgoingReply } from '../core/messages.js';
import { MemoryConversationRepo } from '../storage/memory/index.js';
import { createServices } from '../services.js';
import { pgProblemExit } from './cliStores.js';
import type { CliContext } from './index.js';

/**
 * The replies of one turn as the terminal shows them: only the last reply's
 * buttons are listed, because only those are what a typed number picks (as on
 * Zalo), and the texts are worded for typing (core/conversation/textOnly).
 */
export function renderForTerminal(replies: readonly OutgoingReply[]): string {
  const labels = replies.at(-1)?.buttons?.map((b) => b.label) ?? [];
  const text = forTextOnly(replies.map((r) => r.text).join('\n\n'), labels);
  if (labels.length === 0) return text;
  const numbered = hasNumberedLines(text);
  const list = labels.map((l, i) => `  ${i + 1}. ${l}`).join('\n');
  return numbered ? `${unnumberLines(text)}\n  ${CHOICES_HEADING}\n${list}` : `${text}\n${list}`;
}

/** The engine of the commune the configuration names, its conversations in memory; indexed before it answers. */
async function openEngine(ctx: CliContext): Promise<{ engine: Engine; close: () => Promise<void> }> {
  const conversations = new MemoryConversationRepo();
  const url = ctx.config.DATABASE_URL;
  if (url !== undefined) {
    // Loaded only here: a chat on SQLite does not pay for the PostgreSQL driver.
    const [{ openPgDatabase }, { openPgCommune }] = await Promise.all([
      import('../storage/pg/db.js'),
      import('../pgCommune.js'),
    ]);
    const pg = openPgDatabase(url, { applicationName: 'hocvuso-cli' });
    try {
      const commune = await openPgCommune(ctx.config, ctx.logger, pg, ctx.config.COMMUNE_ID, { conversations });
      return { engine: commune.engine, close: () => pg.destroy() };
    } catch (err) {
      await pg.destroy();
      throw err;
    }
  }
  const services = createServices(ctx.config, ctx.logger, { conversations });
  try {
    await services.ingest();
  } catch (err) {
    services.close();
    throw err;
  }
  return {
    engine: services.engine,
    close: () => {
      services.close();
      return Promise.resolve();
    },
  };
}

export async function runChat(ctx: CliContext): Promise<number> {
  let opened: Awaited<ReturnType<typeof openEngine>>;
  try {
    opened = await openEngine(ctx);
  } catch (err) {
    // PostgreSQL not ready (no server, no tables): said in Vietnamese, exit 1; anything else is thrown on.
    return pgProblemExit(ctx, err);
  }
  const { engine, close } = opened;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const userId = 'terminal';
  try {
    ctx.stdout.write(`${renderForTerminal(await engine.handle({ channel: 'cli', userId, choice: 'menu:start' }))}\n`);
    ctx.stdout.write('(Gõ "thoát" hoặc Ctrl+D để kết thúc.)\n');
    ctx.stdout.write('\n> ');
    // Iterating the lines (rather than rl.question) keeps lines that arrive while a reply is computed.
    for await (const line of rl) {
      if (/^(thoát|thoat|exit|quit)$/i.test(line.trim())) break;
      const replies = await engine.handle({ channel: 'cli', userId, text: line });
      ctx.stdout.write(`${renderForTerminal(replies)}\n\n> `);
    }
    return 0;
  } finally {
    rl.close();
    await close();
  }
}
