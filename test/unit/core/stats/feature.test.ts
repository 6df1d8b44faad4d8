import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/core/conversation/engine.js';
import type { ChannelName, IncomingMessage } from '../../../../src/core/messages.js';
import { STATS_BOARD, STATS_TODAY, statsIntent, type StatsDeps } from '../../../../src/core/stats/feature.js';
import { createSummarySource } from '../../../../src/core/stats/sources.js';
import { boardText, formatShare, STAFF_ONLY, summaryText } from '../../../../src/core/stats/texts.js';
import type { Board, CompletionStats, ProgressSummary, TallyBounds } from '../../../../src/core/stats/types.js';
import { MemoryConversationRepo, MemoryUnansweredLog } from '../../../../src/storage/memory/index.js';
import { FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';
import { fixedClock } from '../../../helpers.js';

const BOARD: Board = {
  rows: [
    { rank: 1, hamletId: 'xom-2', hamletName: 'Xóm 2', completed: 91, population: 200, share: 0.455 },
    { rank: 1, hamletId: 'xom-3', hamletName: 'Xóm 3', completed: 910, population: 2000, share: 0.455 },
    { rank: 3, hamletId: 'xom-1', hamletName: 'Xóm 1', completed: 10, population: 1000, share: 0.01 },
    { rank: null, hamletId: 'xom-4', hamletName: 'Xóm 4', completed: 12, population: null, share: null },
  ],
  unknownHamlet: 4,
  countedAt: '2026-12-06T03:00:00.000Z',
};

const SUMMARY: ProgressSummary = {
  year: 2026,
  today: 3,
  week: 12,
  total: 1240,
  population: 5000,
  share: 0.248,
  target: { share: 1, strict: false },
};

describe('stats texts', () => {
  it('writes shares the Vietnamese way', () => {
    expect(formatShare(0.455)).toBe('45,5%');
    expect(formatShare(1)).toBe('100%');
    expect(formatShare(0)).toBe('0%');
  });

  it('lists ranked hamlets with shares and counts, then unranked ones and the unknown hamlet', () => {
    expect(boardText(BOARD)).toBe(
      [
        'Bảng xếp hạng thi đua “Bình dân học vụ số”',
        'Tỷ lệ người dân đã hoàn thành chương trình, theo xóm:',
        '1. Xóm 2: 45,5% (91/200 người)',
        '1. Xóm 3: 45,5% (910/2.000 người)',
        '3. Xóm 1: 1% (10/1.000 người)',
        'Chưa xếp hạng (chưa có số dân):',
        '• Xóm 4: 12 người đã hoàn thành',
        'Chưa rõ xóm: 4 người đã hoàn thành.',
      ].join('\n'),
    );
  });

  it('says why there is no ranking when the commune has no hamlets yet', () => {
    expect(boardText({ rows: [], unknownHamlet: 0 })).toContain('chưa nhập danh sách xóm');
    expect(boardText({ rows: [], unknownHamlet: 5 })).toContain('Đã có 5 người hoàn thành chương trình.');
  });

  it('summarises today, the week, the total and the share against the target', () => {
    expect(summaryText(SUMMARY)).toBe(
      [
        'Thống kê hoàn thành chương trình (năm 2026)',
        '• Hôm nay: 3 người',
        '• Tuần này: 12 người',
        '• Tổng cộng: 1.240 người',
        '• Tỷ lệ so với số dân đã nhập: 24,8% (1.240/5.000 người). Mục tiêu năm 2026: 100%.',
      ].join('\n'),
    );
  });

  it('says plainly that the share is unknown without population', () => {
    const text = summaryText({ ...SUMMARY, population: null, share: null });
    expect(text).toContain('• Chưa có số dân: chưa tính được tỷ lệ. Mục tiêu năm 2026: 100%.');
    expect(text).not.toContain('%  ');
  });
});

describe('statsIntent', () => {
  it.each([
    ['/bangxephang', STATS_BOARD],
    ['bang xep hang', STATS_BOARD],
    ['Bảng xếp hạng', STATS_BOARD],
    ['  xem bảng xếp hạng! ', STATS_BOARD],
    ['/thongke', STATS_TODAY],
    ['/thống kê', STATS_TODAY],
  ])('%s → %s', (text, choice) => {
    expect(statsIntent(text)).toBe(choice);
  });

  it.each(['thống kê dân số xã', 'xếp hạng tín dụng là gì', 'bảng giá'])('leaves a question alone: %s', (text) => {
    expect(statsIntent(text)).toBeUndefined();
  });
});

describe('createSummarySource', () => {
  it('counts from the local day and week, and divides by all population entered', async () => {
    const seen: TallyBounds[] = [];
    const stats: CompletionStats = {
      completionsPerHamlet: () => [],
      tally: (bounds) => {
        seen.push(bounds);
        return { today: 1, week: 2, total: 30 };
      },
    };
    const source = createSummarySource({
      stats,
      population: {
        population: () => [
          { hamletId: 'xom-1', groupId: 'a', people: 100 },
          { hamletId: 'xom-2', groupId: 'a', people: 50 },
        ],
        vneidCertified: () => [],
      },
      targets: () => [{ year: 2026, groups: { a: 100, b: 100 } }],
      clock: fixedClock('2026-12-01T08:00:00.000Z'),
    });
    expect(await source.summary()).toEqual({
      year: 2026,
      today: 1,
      week: 2,
      total: 30,
      population: 150,
      share: 0.2,
      target: { share: 1, strict: false },
    });
    expect(seen).toEqual([{ dayStart: '2026-11-30T17:00:00.000Z', weekStart: '2026-11-29T17:00:00.000Z' }]);
  });
});

describe('the engine with the board and the staff summary', () => {
  const STAFF = { channel: 'telegram' as ChannelName, userId: '777' };

  function rig(withStats = true) {
    const asked: string[] = [];
    const deps: StatsDeps = {
      leaderboard: { board: () => BOARD },
      staff: { isStaff: (channel, userId) => channel === STAFF.channel && userId === STAFF.userId },
      summary: { summary: () => SUMMARY },
    };
    const search = new FakeKnowledgeSearch({
      respond: (q) => {
        asked.push(q);
        return searchResult({});
      },
    });
    const engine = createEngine({
      search,
      state: new MemoryConversationRepo(),
      unanswered: new MemoryUnansweredLog(),
      clock: fixedClock(),
      ...(withStats ? { stats: deps } : {}),
    });
    const send = (m: Partial<IncomingMessage>) => engine.handle({ channel: 'zalo', userId: 'z1', ...m });
    return { send, asked };
  }

  it.each(['/bangxephang', 'bang xep hang', 'Bảng xếp hạng'])(
    'answers "%s" with the board on a text channel',
    async (text) => {
      const { send, asked } = rig();
      const replies = await send({ text });
      expect(replies).toEqual([{ kind: 'notice', text: boardText(BOARD) }]);
      expect(asked).toEqual([]);
    },
  );

  it('answers the Telegram command (a choice) with the board, in a group too', async () => {
    const { send } = rig();
    expect(await send({ channel: 'telegram', userId: '5', choice: STATS_BOARD, chat: 'group' })).toEqual([
      { kind: 'notice', text: boardText(BOARD) },
    ]);
  });

  it('gives a registered staff member today’s summary', async () => {
    const { send } = rig();
    expect(await send({ ...STAFF, choice: STATS_TODAY })).toEqual([{ kind: 'notice', text: summaryText(SUMMARY) }]);
  });

  it('politely tells anyone else that /thongke is for commune staff', async () => {
    const { send } = rig();
    expect(await send({ channel: 'telegram', userId: '778', choice: STATS_TODAY })).toEqual([
      { kind: 'notice', text: STAFF_ONLY },
    ]);
    // The same user id on another channel is not the staff member.
    expect(await send({ channel: 'zalo', userId: STAFF.userId, text: '/thongke' })).toEqual([
      { kind: 'notice', text: STAFF_ONLY },
    ]);
  });

  it('without the stats ports, the words are just a question', async () => {
    const { send, asked } = rig(false);
    await send({ text: 'bảng xếp hạng' });
    expect(asked.length).toBeGreaterThan(0);
  });
});
