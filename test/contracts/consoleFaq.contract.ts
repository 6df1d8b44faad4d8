/**
 * The ConsoleFaqStore contract (core/stores/consoleFaq.ts), run on SQLite
 * (test/integration/contentContracts.test.ts) and PostgreSQL
 * (test/pg/contentRepos.test.ts): FAQ entries staff write and approve, kept
 * as revisions that a revert marks but never deletes, every kind of source
 * read back as written, entries that only add ways to ask a knowledge entry,
 * and the table of those added ways. Named *.contract.ts so no vitest config
 * collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise } from '../../src/core/ports.js';
import type { ConsoleFaqStore, ConsoleSource, NewRevision } from '../../src/core/stores/consoleFaq.js';
import type { TableAccess } from './tables.js';

export interface ConsoleFaqSubject {
  readonly store: ConsoleFaqStore & {
    replaceExtraVariants(byFaqId: ReadonlyMap<string, readonly string[]>): MaybePromise<void>;
  };
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const at = (iso: string): Date => new Date(iso);

export const FIRST: NewRevision = {
  question: 'Lớp học buổi tối?',
  variants: ['lop hoc buoi toi'],
  answer: 'Thứ Ba và thứ Năm.',
  source: { kind: 'decision', title: 'Thông báo', signer: 'Chủ tịch', date: '2026-12-01' },
  authorId: 'admin',
  at: at('2026-12-02T00:00:00Z'),
  reason: 'hỏi nhiều',
  groupId: 'q:u1',
};

export function describeConsoleFaqContract(name: string, make: () => MaybePromise<ConsoleFaqSubject>): void {
  describe(`ConsoleFaqStore contract (${name})`, () => {
    let subject: ConsoleFaqSubject | undefined;
    const open = async (): Promise<ConsoleFaqSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('keeps every revision; a revert marks the live one and the previous is live again', async () => {
      const { store } = await open();
      const id = await store.create(FIRST);
      expect(id).toBe('console_1');
      expect(await store.revise(id, { ...FIRST, answer: 'Thứ Hai.', reason: 'đổi lịch', groupId: 'q:u5' })).toBe(2);
      expect((await store.live(id))?.answer).toBe('Thứ Hai.');
      const undone = await store.revert(id, 'admin2', at('2026-12-03T00:00:00Z'), 'nhầm');
      expect(undone).toMatchObject({ revision: 2, groupId: 'q:u5', status: 'active' });
      expect(await store.live(id)).toMatchObject({ revision: 1, answer: 'Thứ Ba và thứ Năm.', source: FIRST.source });
      expect(
        (await store.revisions(id)).map((r) => [r.revision, r.status, r.revertedBy, r.revertedAt, r.revertReason]),
      ).toEqual([
        [2, 'reverted', 'admin2', '2026-12-03T00:00:00.000Z', 'nhầm'],
        [1, 'active', null, null, null],
      ]);
      await store.revert(id, 'admin2', at('2026-12-03T00:00:00Z'), 'rút hẳn');
      expect(await store.live(id)).toBeUndefined();
      expect(await store.allLive()).toEqual([]);
      expect(await store.revert(id, 'admin2', at('2026-12-03T00:00:00Z'), 'lần nữa')).toBeUndefined();
      expect(await store.revert('console_99', 'admin2', at('2026-12-03T00:00:00Z'), 'không có')).toBeUndefined();
      // Nothing was deleted.
      expect(await store.revisions(id)).toHaveLength(2);
      expect(await store.revisions('console_99')).toEqual([]);
    });

    it('reads back every kind of source and every field as written', async () => {
      const { store } = await open();
      const sources: ConsoleSource[] = [
        { kind: 'doc', ref: 'huong-dan/vneid.md' },
        { kind: 'url', url: 'https://dichvucong.gov.vn/p/home.html', title: 'Cổng Dịch vụ công' },
        { kind: 'url', url: 'https://vneid.gov.vn' },
        FIRST.source,
      ];
      const ids: string[] = [];
      for (const [i, source] of sources.entries()) {
        ids.push(
          await store.create({
            ...FIRST,
            question: `Câu ${i}?`,
            variants: [`cau ${i}`, `hỏi kiểu ${i}`],
            source,
            at: at(`2026-12-0${i + 1}T08:00:00Z`),
          }),
        );
      }
      expect(ids).toEqual(['console_1', 'console_2', 'console_3', 'console_4']);
      expect(await store.allIds()).toEqual(ids);
      const live = await store.allLive();
      expect(live.map((r) => r.source)).toEqual(sources);
      expect(live[2]).toEqual({
        entryId: 'console_3',
        baseFaqId: null,
        revision: 1,
        question: 'Câu 2?',
        variants: ['cau 2', 'hỏi kiểu 2'],
        answer: FIRST.answer,
        source: { kind: 'url', url: 'https://vneid.gov.vn' },
        authorId: 'admin',
        createdAt: '2026-12-03T08:00:00.000Z',
        reason: 'hỏi nhiều',
        groupId: 'q:u1',
        status: 'active',
        revertedBy: null,
        revertedAt: null,
        revertReason: null,
      });
      expect(await store.exists('console_2')).toBe(true);
      expect(await store.exists('console_9')).toBe(false);
    });

    it('numbers revisions in order and serves the newest active one of each entry', async () => {
      const { store } = await open();
      const a = await store.create(FIRST);
      const b = await store.create({ ...FIRST, question: 'Câu B?' });
      for (let i = 2; i <= 5; i++) expect(await store.revise(a, { ...FIRST, answer: `Phiên bản ${i}` })).toBe(i);
      expect((await store.revisions(a)).map((r) => r.revision)).toEqual([5, 4, 3, 2, 1]);
      await store.revert(a, 'admin', at('2026-12-04T00:00:00Z'), 'sai');
      expect((await store.allLive()).map((r) => [r.entryId, r.revision, r.answer])).toEqual([
        [a, 4, 'Phiên bản 4'],
        [b, 1, FIRST.answer],
      ]);
      // A revision after a revert takes the next number: the reverted one stays in the history.
      expect(await store.revise(a, { ...FIRST, answer: 'Phiên bản 6' })).toBe(6);
      expect((await store.live(a))?.revision).toBe(6);
    });

    it('finds the entry adding ways to ask a knowledge entry, and keeps those ways in their table', async () => {
      const { store, tables } = await open();
      await store.create(FIRST);
      const overlay = await store.create(
        { ...FIRST, question: '', variants: ['cau co san hoi kieu khac'], answer: '', source: { kind: 'base' } },
        'co-san',
      );
      expect(await store.overlayOf('co-san')).toBe(overlay);
      expect(await store.overlayOf('khac')).toBeUndefined();
      expect((await store.live(overlay))?.baseFaqId).toBe('co-san');
      await store.replaceExtraVariants(new Map([['co-san', ['cau co san hoi kieu khac', 'kiểu nữa']]]));
      await store.replaceExtraVariants(
        new Map([
          ['co-san', ['cau co san hoi kieu khac']],
          ['khac', ['một cách hỏi']],
        ]),
      );
      const rows = (await tables.rows('faq_extra_variants'))
        .map((r) => [r['faq_id'], JSON.parse(String(r['variants_json'])) as string[]])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      expect(rows).toEqual([
        ['co-san', ['cau co san hoi kieu khac']],
        ['khac', ['một cách hỏi']],
      ]);
      await store.replaceExtraVariants(new Map());
      expect(await tables.rows('faq_extra_variants')).toEqual([]);
    });
  });
}
