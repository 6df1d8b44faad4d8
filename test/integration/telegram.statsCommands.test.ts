/**
 * `/bangxephang` and `/thongke` on Telegram are shortcuts to the engine's
 * stats choices, in private chats and groups alike (the board is aggregate
 * figures only), and the command menu offers the board to everyone.
 */
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { inboundOf } from '../../src/channels/telegram/inbound.js';
import { GROUP_COMMANDS, PRIVATE_COMMANDS } from '../../src/channels/telegram/texts.js';
import { STATS_BOARD, STATS_TODAY } from '../../src/core/stats/feature.js';
import { BOT_INFO, groupChat, textUpdate } from './telegramFixtures.js';

function message(text: string, group = false): Message {
  const update = textUpdate(42, text, group ? { chat: groupChat() } : {});
  if (!update.message) throw new Error('no message');
  return update.message;
}

describe('Telegram stats commands', () => {
  it('maps /bangxephang and /thongke to the engine’s choices', () => {
    expect(inboundOf(message('/bangxephang'), BOT_INFO)).toEqual({ kind: 'engine', choice: STATS_BOARD });
    expect(inboundOf(message('/thongke'), BOT_INFO)).toEqual({ kind: 'engine', choice: STATS_TODAY });
    expect(inboundOf(message(`/bangxephang@${BOT_INFO.username}`, true), BOT_INFO)).toEqual({
      kind: 'engine',
      choice: STATS_BOARD,
    });
    expect(inboundOf(message('/bangxephang', true), BOT_INFO)).toEqual({ kind: 'engine', choice: STATS_BOARD });
  });

  it('offers the board in the command menus, and not the staff summary', () => {
    for (const menu of [PRIVATE_COMMANDS, GROUP_COMMANDS]) {
      expect(menu.map((c) => c.command)).toContain('bangxephang');
      expect(menu.map((c) => c.command)).not.toContain('thongke');
    }
  });
});
