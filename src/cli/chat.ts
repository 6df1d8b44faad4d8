/**
 * @module cli/chat
 *
 * `cli chat`: a conversation with the engine in the terminal, as a resident
 * would have it on a text-only channel: the last reply's buttons appear as a
 * numbered list and typing the number picks one. State is kept in memory, so trying the bot here
 * writes nothing to the commune's database but the index.
 */
import { createInterface } from 'node:readline';
import { CHOICES_HEADING, forTextOnly, hasNumberedLines, unnumberLines } from '../core/conversation/textOnly.js';
import type { OutgoingReply } from '../core/messages.js';
import { MemoryConversationRepo } from '../storage/memory/index.js';
import { createServices } from '../services.js';
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

export async function runChat(ctx: CliContext): Promise<number> {
  const services = createServices(ctx.config, ctx.logger, { conversations: new MemoryConversationRepo() });
  await services.ingest();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const userId = 'terminal';
  try {
    ctx.stdout.write(
      `${renderForTerminal(await services.engine.handle({ channel: 'cli', userId, choice: 'menu:start' }))}\n`,
    );
    ctx.stdout.write('(Gõ "thoát" hoặc Ctrl+D để kết thúc.)\n');
    ctx.stdout.write('\n> ');
    // Iterating the lines (rather than rl.question) keeps lines that arrive while a reply is computed.
    for await (const line of rl) {
      if (/^(thoát|thoat|exit|quit)$/i.test(line.trim())) break;
      const replies = await services.engine.handle({ channel: 'cli', userId, text: line });
      ctx.stdout.write(`${renderForTerminal(replies)}\n\n> `);
    }
    return 0;
  } finally {
    rl.close();
    services.close();
  }
}
