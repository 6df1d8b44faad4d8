/**
 * The console's content stores on PostgreSQL (storage/pg/pgCommuneSettingsRepo,
 * pgLearningRepo, pgConsoleFaqRepo), as the app role: the contracts SQLite
 * keeps too (test/integration/contentContracts.test.ts), a fresh commune per
 * case; then what only a shared server raises: staff saving at the same
 * moment (both revisions kept, every settings save counted), one commune
 * never seeing another's rows, the live commune over an asynchronous store,
 * and console entries kept here published into a SQLite knowledge index.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLiveCommune } from '../../src/content/liveCommune.js';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import { consolePublisher, sqliteConsoleWrite } from '../../src/rag/consoleFaq.js';
import { ingestKnowledge } from '../../src/rag/ingest.js';
import { PgCommuneSettingsRepo } from '../../src/storage/pg/pgCommuneSettingsRepo.js';
import { PgConsoleFaqRepo } from '../../src/storage/pg/pgConsoleFaqRepo.js';
import { PgLearningRepo } from '../../src/storage/pg/pgLearningRepo.js';
import { PgUnansweredLog } from '../../src/storage/pg/pgUnansweredLog.js';
import { createLearningService } from '../../src/staff/learningService.js';
import type { AuditEntry } from '../../src/staff/types.js';
import { SqliteConsoleFaqRepo } from '../../src/storage/sqlite/consoleFaqRepo.js';
import { ensureCommune, openDatabase } from '../../src/storage/sqlite/db.js';
import { SqliteKnowledgeIndex } from '../../src/storage/sqlite/knowledgeIndex.js';
import { describeCommuneSettingsContract } from '../contracts/communeSettings.contract.js';
import { describeConsoleFaqContract, FIRST } from '../contracts/consoleFaq.contract.js';
import { describeLearningContract } from '../contracts/learning.contract.js';
import { fixedClock, tempDir, writeTree } from '../helpers.js';
import { openPgContractDb, type PgContractDb } from './pgContractDb.js';

let pg: PgContractDb;
beforeAll(async () => {
  pg = await openPgContractDb();
});
afterAll(async () => {
  await pg?.close();
});

const NOW = new Date('2026-12-01T08:00:00.000Z');

describeCommuneSettingsContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return { store: new PgCommuneSettingsRepo(pg.app, communeId), communeId, tables, close: () => undefined };
});

describeLearningContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return { store: new PgLearningRepo(pg.app, communeId), communeId, tables, close: () => undefined };
});

describeConsoleFaqContract('postgresql', async () => {
  const { communeId, tables } = await pg.commune();
  return { store: new PgConsoleFaqRepo(pg.app, communeId), tables, close: () => undefined };
});

describe('two staff at the same moment (PostgreSQL)', () => {
  it('keeps both revisions when two staff revise the same entry at once', async () => {
    const { communeId } = await pg.commune();
    const one = new PgConsoleFaqRepo(pg.app, communeId);
    const two = new PgConsoleFaqRepo(pg.app, communeId);
    const id = await one.create(FIRST);
    const numbers = await Promise.all(
      [one, two, one, two].map((repo, i) => repo.revise(id, { ...FIRST, answer: `Sửa ${i}`, authorId: `admin-${i}` })),
    );
    expect([...numbers].sort()).toEqual([2, 3, 4, 5]);
    const revisions = await one.revisions(id);
    expect(revisions.map((r) => r.revision)).toEqual([5, 4, 3, 2, 1]);
    expect(new Set(revisions.map((r) => r.answer))).toEqual(
      new Set(['Sửa 0', 'Sửa 1', 'Sửa 2', 'Sửa 3', FIRST.answer]),
    );
    // A revert and a revision at once: both happen, one after the other.
    const [undone, next] = await Promise.all([
      one.revert(id, 'admin-1', NOW, 'nhầm'),
      two.revise(id, { ...FIRST, answer: 'Sửa cuối' }),
    ]);
    expect(undone).toBeDefined();
    expect(next).toBe(6);
    expect((await one.revisions(id)).filter((r) => r.status === 'reverted')).toHaveLength(1);
  });

  it('gives two entries created at once two ids', async () => {
    const { communeId } = await pg.commune();
    const repos = [0, 1, 2, 3].map(() => new PgConsoleFaqRepo(pg.app, communeId));
    const ids = await Promise.all(repos.map((r, i) => r.create({ ...FIRST, question: `Câu ${i}?` })));
    expect([...ids].sort()).toEqual(['console_1', 'console_2', 'console_3', 'console_4']);
    expect(await repos[0]!.allLive()).toHaveLength(4);
  });

  it('counts every settings save made at once, and the last hamlet list is whole', async () => {
    const { communeId } = await pg.commune();
    const a = new PgCommuneSettingsRepo(pg.app, communeId);
    const b = new PgCommuneSettingsRepo(pg.app, communeId);
    const lists = [
      [{ id: 'xom-1', name: 'Xóm 1' }],
      [
        { id: 'xom-2', name: 'Xóm 2' },
        { id: 'xom-3', name: 'Xóm 3' },
      ],
    ];
    await Promise.all([
      a.saveHamlets(lists[0]!, [], 'admin-a', NOW),
      b.saveHamlets(lists[1]!, [], 'admin-b', NOW),
      a.saveContacts({ office: { phone: '0238 3000 001' } }, 'admin-a', NOW),
      b.saveContacts({ office: { phone: '0238 3000 002' } }, 'admin-b', NOW),
    ]);
    expect(await a.revision()).toBe(4);
    const { hamlets, contacts } = await b.overrides();
    // One save's list, never a mix of the two.
    expect(lists).toContainEqual(hamlets);
    expect([{ office: { phone: '0238 3000 001' } }, { office: { phone: '0238 3000 002' } }]).toContainEqual(contacts);
  });
});

describe('one commune never sees another’s rows (PostgreSQL)', () => {
  it('keeps settings, learning questions and decisions, counts and console entries apart', async () => {
    const a = (await pg.commune()).communeId;
    const b = (await pg.commune()).communeId;
    const settingsA = new PgCommuneSettingsRepo(pg.app, a);
    const settingsB = new PgCommuneSettingsRepo(pg.app, b);
    await settingsA.saveHamlets([{ id: 'xom-1', name: 'Xóm 1' }], [], 'admin', NOW);
    await settingsA.saveContacts({ office: { phone: '0238 3000 001' } }, 'admin', NOW);
    expect(await settingsB.revision()).toBe(0);
    expect(await settingsB.overrides()).toEqual({});
    await settingsB.saveHamlets([], [], 'admin', NOW);
    expect((await settingsA.overrides()).hamlets).toEqual([{ id: 'xom-1', name: 'Xóm 1' }]);
    expect(await settingsA.revision()).toBe(2);

    await new PgUnansweredLog(pg.app, a).record({
      channel: 'web',
      userId: 'u',
      kind: 'miss',
      question: 'của xã A',
      at: NOW,
    });
    await new PgUnansweredLog(pg.app, a).record({ channel: 'web', kind: 'unclear', question: 'gác lại', at: NOW });
    const learnA = new PgLearningRepo(pg.app, a);
    const learnB = new PgLearningRepo(pg.app, b);
    await learnA.addTyped('gõ ở xã A', undefined, 'staff', NOW);
    await learnA.record({ at: NOW, kind: 'unsure' });
    await learnA.decide({
      id: 'q:u1',
      status: 'ignored',
      anchor: 'x',
      entryId: null,
      firstAskedAt: NOW.toISOString(),
      decidedBy: 's',
      decidedAt: NOW.toISOString(),
      reason: null,
    });
    const rowId = Number((await learnA.setAside())[0]?.id);
    expect(await learnB.questions()).toEqual([]);
    expect(await learnB.setAside()).toEqual([]);
    expect(await learnB.decisions()).toEqual([]);
    expect(await learnB.outcomes('2026-01-01', '2027-01-01')).toEqual([]);
    expect(await learnB.flagLogged(rowId, 'staff-b', NOW)).toBe(false);
    await learnB.reopen('q:u1');
    expect(await learnA.decisions()).toHaveLength(1);
    // Same time: typed (`f…`) before logged (`u…`), as on SQLite.
    expect((await learnA.questions()).map((q) => q.text)).toEqual(['gõ ở xã A', 'của xã A']);

    const faqA = new PgConsoleFaqRepo(pg.app, a);
    const faqB = new PgConsoleFaqRepo(pg.app, b);
    const id = await faqA.create(FIRST);
    await faqA.create({ ...FIRST, source: { kind: 'base' } }, 'co-san');
    await faqA.replaceExtraVariants(new Map([['co-san', ['cách hỏi']]]));
    expect(await faqB.allIds()).toEqual([]);
    expect(await faqB.allLive()).toEqual([]);
    expect(await faqB.revisions(id)).toEqual([]);
    expect(await faqB.exists(id)).toBe(false);
    expect(await faqB.overlayOf('co-san')).toBeUndefined();
    expect(await faqB.revert(id, 'admin-b', NOW, 'không phải của xã B')).toBeUndefined();
    await expect(faqB.revise(id, FIRST)).rejects.toThrow(/no console FAQ entry/);
    // B's first entry is its own console_1, beside A's.
    expect(await faqB.create(FIRST)).toBe('console_1');
    await faqB.replaceExtraVariants(new Map());
    expect((await faqA.live(id))?.status).toBe('active');
    expect(await faqA.allIds()).toEqual(['console_1', 'console_2']);
  });
});

describe('the live commune over PostgreSQL', () => {
  it('is loaded when opened, and sees a save made elsewhere once refreshed', async () => {
    const { communeId } = await pg.commune();
    const store = new PgCommuneSettingsRepo(pg.app, communeId);
    await store.saveHamlets([{ id: 'xom-1', name: 'Xóm Một' }], [], 'admin', NOW);
    const file = { ...DEFAULT_COMMUNE, hamlets: [{ id: 'xom-1', name: 'Xóm 1' }] };
    const live = await openLiveCommune(file, store);
    expect(live.hamlets).toEqual([{ id: 'xom-1', name: 'Xóm Một' }]);
    // Another process saves.
    await new PgCommuneSettingsRepo(pg.app, communeId).saveHamlets(
      [
        { id: 'xom-1', name: 'Xóm Một' },
        { id: 'xom-2', name: 'Xóm Hai' },
      ],
      [],
      'admin',
      NOW,
    );
    expect(live.hamlets).toHaveLength(1);
    expect((await live.refreshed()).hamlets.map((h) => h.id)).toEqual(['xom-1', 'xom-2']);
    expect(live.hamlets.map((h) => h.id)).toEqual(['xom-1', 'xom-2']);
    // This process's own save shows once reloaded.
    await store.saveContacts({ office: { phone: '0238 3000 001' } }, 'admin', NOW);
    const after = await live.reload();
    expect(after.contacts?.office).toMatchObject({ phone: '0238 3000 001' });
    expect(live.contacts?.office).toMatchObject({ phone: '0238 3000 001' });
  });
});

describe('console entries on PostgreSQL published into the SQLite knowledge index', () => {
  it('serves the live entries and the added ways to ask, and a revert withdraws them', async () => {
    const tmp = tempDir('hocvuso-pg-publish-');
    const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    try {
      const { communeId } = await pg.commune();
      ensureCommune(db, communeId);
      const dir = join(tmp.dir, 'kb');
      writeTree(dir, {
        'guide.md':
          '---\ntitle: Hướng dẫn\nurl: https://dichvucong.gov.vn\n---\n# Hướng dẫn\n\nNội dung hướng dẫn đủ dài để thành một đoạn văn.',
        'faq/a.yaml':
          '- id: co-san\n  question: Câu có sẵn là gì?\n  answer: Câu trả lời có sẵn.\n  source: guide.md\n',
      });
      const index = new SqliteKnowledgeIndex(db, communeId);
      const clock = fixedClock();
      await ingestKnowledge({ dir, index, clock });
      const entries = new PgConsoleFaqRepo(pg.app, communeId);
      const publish = consolePublisher(
        entries,
        sqliteConsoleWrite(index, new SqliteConsoleFaqRepo(db, communeId)),
        () => clock.now(),
      );
      const id = await entries.create(FIRST);
      await entries.create(
        { ...FIRST, question: '', variants: ['cau co san hoi kieu khac'], answer: '', source: { kind: 'base' } },
        'co-san',
      );
      await Promise.all([publish(), publish()]);
      expect(index.faqEntries().find((e) => e.id === id)).toMatchObject({ sourceRef: `@console/source/${id}` });
      expect(index.faqEntries().find((e) => e.id === 'co-san')?.variants).toEqual(['cau co san hoi kieu khac']);
      expect(index.documents().find((d) => d.ref === `@console/source/${id}`)).toMatchObject({
        title: 'Thông báo (Chủ tịch ký ngày 01/12/2026)',
      });
      await entries.revert(id, 'admin', NOW, 'rút');
      await publish();
      expect(index.faqEntries().find((e) => e.id === id)).toBeUndefined();
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});

describe('the learning loop over PostgreSQL stores', () => {
  it('answers a group, publishes it, and a revert opens the group again', async () => {
    const tmp = tempDir('hocvuso-pg-learning-');
    const db = openDatabase(join(tmp.dir, 'hocvuso.db'));
    try {
      const { communeId } = await pg.commune();
      ensureCommune(db, communeId);
      const dir = join(tmp.dir, 'kb');
      writeTree(dir, { 'guide.md': '# Hướng dẫn\n\nNội dung hướng dẫn đủ dài để thành một đoạn văn có nghĩa.' });
      const index = new SqliteKnowledgeIndex(db, communeId);
      const clock = fixedClock('2026-12-05T08:00:00.000Z');
      await ingestKnowledge({ dir, index, clock });
      const log = new PgUnansweredLog(pg.app, communeId);
      for (const [user, question] of [
        ['a', 'Lớp học buổi tối mở khi nào?'],
        ['b', 'lớp học buổi tối mở khi nào vậy'],
      ] as const) {
        await log.record({
          channel: 'web',
          userId: user,
          kind: 'miss',
          question,
          at: new Date('2026-12-04T01:00:00Z'),
        });
      }
      const entries = new PgConsoleFaqRepo(pg.app, communeId);
      const audit: AuditEntry[] = [];
      const service = createLearningService({
        questions: new PgLearningRepo(pg.app, communeId),
        entries,
        index,
        // Retrieval only suggests pages to staff; none is needed here.
        search: {
          search: () => Promise.resolve({ documents: [], faqs: [], queryTerms: [], unknownTerms: [] }),
          faq: () => undefined,
          document: () => undefined,
        },
        publish: consolePublisher(entries, sqliteConsoleWrite(index, new SqliteConsoleFaqRepo(db, communeId)), () =>
          clock.now(),
        ),
        audit: { record: (e) => void audit.push(e) },
        clock,
      });
      const [group] = await service.groups();
      expect(group).toMatchObject({ questions: 2, residents: 2 });
      const admin = { id: 'admin', name: 'Quản trị', role: 'admin' } as const;
      const { entryId } = await service.answer(
        group!.id,
        {
          question: 'Lớp học buổi tối mở khi nào?',
          variants: [],
          answer: 'Tối thứ Ba và thứ Năm.',
          sourceKind: 'decision',
          decisionTitle: 'Thông báo lịch học',
          signer: 'Chủ tịch UBND xã',
          signedOn: '2026-12-01',
        },
        admin,
      );
      expect(entryId).toBe('console_1');
      expect(await service.groups()).toEqual([]);
      expect((await service.groups('answered')).map((g) => g.id)).toEqual([group!.id]);
      expect(index.faqEntries().map((e) => e.id)).toContain('console_1');
      expect((await service.entries()).map((e) => [e.id, e.live?.revision])).toEqual([['console_1', 1]]);
      await service.revert('console_1', 'nhầm lịch', admin);
      expect(index.faqEntries().map((e) => e.id)).not.toContain('console_1');
      expect((await service.groups()).map((g) => g.id)).toEqual([group!.id]);
      expect(audit.map((e) => e.action)).toEqual(['faq.approve', 'faq.revert']);
      expect(await service.weekly(2)).toHaveLength(2);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
