/**
 * @module cli/chat
 *
 * `cli chat`: a conversation with the engine in the terminal, as a resident
 * would have it on a text-only channel: buttons appear as a numbered list and
 * typing the number picks one. State is kept in memory, so trying the bot here
 * writes nothing to the commune's database but the index.
 */
import { createInterface } from 'node:readline';
import type { OutgoingReply } from '../core/messages.js';
import { MemoryConversationRepo } from '../storage/memory/index.js';
import { createServices } from '../services.js';
import type { CliContext } from './index.js';

export function renderForTerminal(replies: readonly OutgoingReply[]): string {
  return replies
    .map((r) => {
      const buttons = r.buttons?.map((b, i) => `  ${i + 1}. ${b.label}`).join('\n');
      return buttons ? `${r.text}\n${buttons}` : r.text;
    })
    .join('\n\n');
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
