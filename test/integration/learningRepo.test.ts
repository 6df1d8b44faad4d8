/**
 * The learning loop's storage: which logged questions are grouped (misses,
 * 👎 and flagged ones, oldest first, read in pages), decisions on groups,
 * daily counts, and console entries as revisions that a revert never
 * deletes; published into the index where a re-ingest of the knowledge
 * folder leaves them.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { publishConsoleFaq, isConsoleRef } from '../../src/rag/consoleFaq.js';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { SqliteConsoleFaqRepo } from '../../src/storage/sqlite/consoleFaqRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import { SqliteLearningRepo } from '../../src/storage/sqlite/learningRepo.js';
import { SqliteUnansweredLog } from '../../src/storage/sqlite/unansweredRepo.js';
import { fixedClock, tempDir, writeTree } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let db: Db;
let n = 0;
const C = 'hung-chau';
const at = (iso: string): Date => new Date(iso);

beforeEach(() => {
  db = openDatabase(`${tmp.dir}/repo-${++n}.db`);
  return () => db.close();
});

describe('SqliteLearningRepo', () => {
  it('reads misses, 👎 and flagged rows oldest first, with who asked only as an opaque key', () => {
    const log = new SqliteUnansweredLog(db, C);
    const repo = new SqliteLearningRepo(db, C);
    log.record({ channel: 'web', userId: 'a', kind: 'miss', question: 'một', at: at('2026-12-01T01:00:00Z') });
    log.record({ channel: 'zalo', userId: 'b', kind: 'out-of-scope', question: 'hai', at: at('2026-12-01T02:00:00Z') });
    log.record({ channel: 'web', kind: 'thumbs-down', question: 'ba', answer: 'đáp', at: at('2026-12-01T03:00:00Z') });
    log.record({ channel: 'web', userId: 'c', kind: 'unclear', question: 'bốn', at: at('2026-12-01T04:00:00Z') });
    expect(repo.questions().map((q) => q.text)).toEqual(['một', 'ba']);
    expect(repo.flagLogged(2, 'staff-1', at('2026-12-02T00:00:00Z'))).toBe(true);
    expect(repo.flagLogged(999, 'staff-1', at('2026-12-02T00:00:00Z'))).toBe(false);
    repo.addTyped('năm', 'ở bộ phận một cửa', 'staff-1', at('2026-12-01T05:00:00Z'));
    const qs = repo.questions();
    expect(qs.map((q) => [q.id, q.text, q.kind, q.asker])).toEqual([
      ['u1', 'một', 'miss', 'web:a'],
      ['u2', 'hai', 'flag', 'zalo:b'],
      ['u3', 'ba', 'thumbs-down', null],
      ['f1', 'năm', 'staff', null],
    ]);
    expect(qs[2]?.answer).toBe('đáp');
  });

  it('reads the newest questions across pages when there are more than one page', () => {
    const log = new SqliteUnansweredLog(db, C);
    const repo = new SqliteLearningRepo(db, C);
    db.transaction(() => {
      for (let i = 0; i < 4500; i++) {
        log.record({ channel: 'web', kind: 'miss', question: `q${i}`, at: new Date(Date.UTC(2026, 10, 1) + i * 1000) });
      }
    })();
    const qs = repo.questions(4200);
    expect(qs).toHaveLength(4200);
    expect(qs[0]?.text).toBe('q300');
    expect(qs.at(-1)?.text).toBe('q4499');
  });

  it('keeps a decision, updates it, and forgets it on reopen', () => {
    const repo = new SqliteLearningRepo(db, C);
    const d = {
      id: 'q:u1',
      status: 'ignored' as const,
      anchor: 'một',
      entryId: null,
      firstAskedAt: '2026-12-01T00:00:00.000Z',
      decidedBy: 's',
      decidedAt: '2026-12-02T00:00:00.000Z',
      reason: null,
    };
    repo.decide(d);
    repo.decide({ ...d, status: 'answered', entryId: 'console_1' });
    expect(repo.decisions()).toEqual([{ ...d, status: 'answered', entryId: 'console_1' }]);
    repo.reopen('q:u1');
    expect(repo.decisions()).toEqual([]);
  });

  it('counts outcomes per commune day', () => {
    const repo = new SqliteLearningRepo(db, C);
    repo.record({ at: at('2026-12-01T16:00:00Z'), kind: 'unsure' });
    repo.record({ at: at('2026-12-01T18:00:00Z'), kind: 'faq', faqId: 'console_2' });
    repo.record({ at: at('2026-12-01T18:30:00Z'), kind: 'faq', faqId: 'vneid-la-gi' });
    expect(repo.outcomes('2026-12-01', '2026-12-31')).toEqual([
      { day: '2026-12-01', asked: 1, unanswered: 1, byConsole: 0 },
      { day: '2026-12-02', asked: 2, unanswered: 0, byConsole: 1 },
    ]);
  });
});

describe('SqliteConsoleFaqRepo', () => {
  const first = {
    question: 'Lớp học buổi tối?',
    variants: ['lop hoc buoi toi'],
    answer: 'Thứ Ba và thứ Năm.',
    source: { kind: 'decision' as const, title: 'Thông báo', signer: 'Chủ tịch', date: '2026-12-01' },
    authorId: 'admin',
    at: at('2026-12-02T00:00:00Z'),
    reason: 'hỏi nhiều',
    groupId: 'q:u1',
  };

  it('keeps every revision; a revert marks the live one and the previous is live again', () => {
    const repo = new SqliteConsoleFaqRepo(db, C);
    const id = repo.create(first);
    expect(id).toBe('console_1');
    expect(repo.revise(id, { ...first, answer: 'Thứ Hai.', reason: 'đổi lịch', groupId: 'q:u5' })).toBe(2);
    expect(repo.live(id)?.answer).toBe('Thứ Hai.');
    const undone = repo.revert(id, 'admin2', at('2026-12-03T00:00:00Z'), 'nhầm');
    expect(undone).toMatchObject({ revision: 2, groupId: 'q:u5' });
    expect(repo.live(id)).toMatchObject({ revision: 1, answer: 'Thứ Ba và thứ Năm.', source: first.source });
    expect(repo.revisions(id).map((r) => [r.revision, r.status, r.revertedBy, r.revertReason])).toEqual([
      [2, 'reverted', 'admin2', 'nhầm'],
      [1, 'active', null, null],
    ]);
    repo.revert(id, 'admin2', at('2026-12-03T00:00:00Z'), 'rút hẳn');
    expect(repo.live(id)).toBeUndefined();
    expect(repo.allLive()).toEqual([]);
    expect(repo.revert(id, 'admin2', at('2026-12-03T00:00:00Z'), 'lần nữa')).toBeUndefined();
  });

  it('is published into the index, and a re-ingest of the knowledge folder leaves it there', async () => {
    const dir = `${tmp.dir}/kb-${n}`;
    writeTree(dir, {
      'guide.md':
        '---\ntitle: Hướng dẫn\nurl: https://dichvucong.gov.vn\n---\n# Hướng dẫn\n\nNội dung hướng dẫn đủ dài để thành một đoạn văn.',
      'faq/a.yaml': '- id: co-san\n  question: Câu có sẵn là gì?\n  answer: Câu trả lời có sẵn.\n  source: guide.md\n',
    });
    const index = new SqliteKnowledgeIndex(db, C);
    const clock = fixedClock();
    await ingestKnowledge({ dir, index, clock });
    const repo = new SqliteConsoleFaqRepo(db, C);
    repo.create(first);
    repo.create(
      { ...first, question: '', variants: ['cau co san hoi kieu khac'], answer: '', source: { kind: 'base' } },
      'co-san',
    );
    publishConsoleFaq(index, repo, clock.now());
    const check = (): void => {
      const faqs = index.faqEntries();
      expect(faqs.find((e) => e.id === 'console_1')).toMatchObject({ sourceRef: '@console/source/console_1' });
      expect(faqs.find((e) => e.id === 'co-san')?.variants).toEqual(['cau co san hoi kieu khac']);
      expect(index.documents().find((d) => d.ref === '@console/source/console_1')).toMatchObject({
        kind: 'doc',
        title: 'Thông báo (Chủ tịch ký ngày 01/12/2026)',
      });
    };
    check();
    const again = await ingestKnowledge({ dir, index, clock, force: true });
    expect(again.removed).toEqual([]);
    check();
    writeTree(dir, { 'other.md': '# Khác\n\nMột tài liệu khác đủ dài để được lập chỉ mục như thường.' });
    const third = await ingestKnowledge({ dir, index, clock });
    expect(third.added).toEqual(['other.md']);
    expect(third.removed).toEqual([]);
    check();
  });

  it('tells console refs apart from any file of the knowledge folder', () => {
    expect(isConsoleRef('@console/faq')).toBe(true);
    expect(isConsoleRef('@console/source/console_3')).toBe(true);
    expect(isConsoleRef('@console/faq.md')).toBe(false);
    expect(isConsoleRef('console/faq.yaml')).toBe(false);
  });
});
