/**
 * Where a commune's content comes from (content/communeContent, issue 20
 * item 3): the top-level commune.yaml is only the install's own commune's,
 * `knowledge/communes/<id>/commune.yaml` replaces it whole, a commune's quiz
 * bank replaces the national bank with its id or adds a quiz, and its pages
 * lay over the national ones; another commune sees none of it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { communeContent, loadCommuneQuizBanks } from '../../src/content/communeContent.js';
import { loadQuizBanks } from '../../src/content/loadQuizzes.js';
import { listCommuneKnowledgeFiles } from '../../src/rag/knowledgeLayers.js';
import { tempDir, writeTree } from '../helpers.js';

function bank(id: string, title: string, answer = 0): string {
  return `id: ${id}
title: "${title}"
domain: an-toan
pass_score: 0.8
questions:
  - id: q1
    text: "Mật khẩu nên thế nào?"
    options: ["Dài và khó đoán", "Ngày sinh"]
    answer: ${answer}
    explanation: "Mật khẩu dài, khó đoán thì an toàn hơn."
    source: "an-toan/mat-khau.md"
`;
}

describe('communeContent', () => {
  let tmp: { dir: string; cleanup: () => void };

  beforeEach(() => {
    tmp = tempDir('hocvuso-commune-content-');
    writeTree(tmp.dir, {
      'commune.yaml': 'name: Xã Nhà\n',
      'quizzes/mat-khau.yaml': bank('mat-khau', 'Mật khẩu (chung)'),
      'quizzes/lua-dao.yaml': bank('lua-dao', 'Lừa đảo (chung)'),
      'an-toan/mat-khau.md': '# Mật khẩu\n\nĐặt mật khẩu dài.\n',
      'xa/lien-he.md': '# Liên hệ\n\nHỏi bộ phận một cửa.\n',
      'communes/xa-a/commune.yaml': 'name: Xã A\n',
      'communes/xa-a/quizzes/mat-khau.yaml': bank('mat-khau', 'Mật khẩu (xã A)'),
      'communes/xa-a/quizzes/le-hoi.yaml': bank('le-hoi', 'Lễ hội của xã A'),
      'communes/xa-a/xa/lien-he.md': '# Liên hệ xã A\n\nHỏi chị Lan ở bộ phận một cửa.\n',
      'communes/xa-a/xa/gio-lam-viec.md': '# Giờ làm việc\n\nSáng thứ bảy có làm.\n',
      'communes/xa-b/quizzes/_nhap.yaml': 'id: nháp\n',
    });
  });
  afterEach(() => tmp.cleanup());

  it("gives the install's own commune the top-level commune.yaml and only the national layers, as before", async () => {
    const own = await communeContent(tmp.dir, 'nha', 'nha');
    expect(own.hasFolder).toBe(false);
    expect(own.communeFileDir).toBe(tmp.dir);
    expect(own.quizLayers).toEqual([{ dir: join(tmp.dir, 'quizzes'), refPrefix: 'quizzes/' }]);
    expect(own.knowledgeLayers).toEqual([tmp.dir]);
    // The same banks as the one-commune loader, in the same order.
    expect(await loadCommuneQuizBanks(own)).toEqual(await loadQuizBanks(tmp.dir));
  });

  it('never gives another commune the top-level commune.yaml: its own file, or none', async () => {
    expect((await communeContent(tmp.dir, 'xa-a', 'nha')).communeFileDir).toBe(join(tmp.dir, 'communes/xa-a'));
    // xa-b has a folder but no commune.yaml of its own.
    expect((await communeContent(tmp.dir, 'xa-b', 'nha')).communeFileDir).toBeUndefined();
    expect((await communeContent(tmp.dir, 'xa-c', 'nha')).communeFileDir).toBeUndefined();
    // The install's own commune with a folder of its own reads that folder's file …
    expect((await communeContent(tmp.dir, 'xa-a', 'xa-a')).communeFileDir).toBe(join(tmp.dir, 'communes/xa-a'));
    // … and the top-level file while its folder has none.
    expect((await communeContent(tmp.dir, 'xa-b', 'xa-b')).communeFileDir).toBe(tmp.dir);
  });

  it("lays a commune's banks over the national ones: same id replaces, a new id adds; others keep the national", async () => {
    const a = await loadCommuneQuizBanks(await communeContent(tmp.dir, 'xa-a', 'nha'));
    expect(a.problems).toEqual([]);
    expect(Object.fromEntries(a.quizzes.map((q) => [q.id, q.title]))).toEqual({
      'mat-khau': 'Mật khẩu (xã A)',
      'lua-dao': 'Lừa đảo (chung)',
      'le-hoi': 'Lễ hội của xã A',
    });
    const b = await loadCommuneQuizBanks(await communeContent(tmp.dir, 'xa-b', 'nha'));
    expect(b.problems).toEqual([]);
    expect(b.quizzes.map((q) => q.title).sort()).toEqual(['Lừa đảo (chung)', 'Mật khẩu (chung)']);
  });

  it("keeps the national bank when the commune's copy has a mistake, and names the commune's file", async () => {
    writeTree(tmp.dir, { 'communes/xa-a/quizzes/mat-khau.yaml': bank('mat-khau', 'Mật khẩu (xã A)', 5) });
    const a = await loadCommuneQuizBanks(await communeContent(tmp.dir, 'xa-a', 'nha'));
    expect(a.quizzes.find((q) => q.id === 'mat-khau')?.title).toBe('Mật khẩu (chung)');
    expect(a.problems).toHaveLength(1);
    expect(a.problems[0]).toMatch(/^communes\/xa-a\/quizzes\/mat-khau\.yaml: quiz "mat-khau", question "q1": /);
  });

  it('reads a commune folder without quizzes/ as adding none, without a problem', async () => {
    mkdirSync(join(tmp.dir, 'communes/xa-d'));
    const d = await communeContent(tmp.dir, 'xa-d', 'nha');
    expect(d.hasFolder).toBe(true);
    expect(await loadCommuneQuizBanks(d)).toEqual({ quizzes: expect.any(Array), problems: [] });
    expect((await loadCommuneQuizBanks(d)).quizzes).toHaveLength(2);
  });

  it("lays a commune's pages over the national ones, at the same refs, for that commune only", async () => {
    const files = async (id: string) =>
      Object.fromEntries(
        (await listCommuneKnowledgeFiles(tmp.dir, id)).map((f) => [f.ref, f.absPath.slice(tmp.dir.length + 1)]),
      );
    expect(await files('xa-a')).toEqual({
      'an-toan/mat-khau.md': 'an-toan/mat-khau.md',
      'xa/gio-lam-viec.md': 'communes/xa-a/xa/gio-lam-viec.md',
      'xa/lien-he.md': 'communes/xa-a/xa/lien-he.md',
    });
    expect(await files('xa-b')).toEqual({
      'an-toan/mat-khau.md': 'an-toan/mat-khau.md',
      'xa/lien-he.md': 'xa/lien-he.md',
    });
    expect((await communeContent(tmp.dir, 'xa-a', 'nha')).knowledgeLayers).toEqual([
      tmp.dir,
      join(tmp.dir, 'communes/xa-a'),
    ]);
  });

  it('refuses an id that is not a folder name of the communes folder', async () => {
    await expect(communeContent(tmp.dir, '../nha', 'nha')).rejects.toThrow(/invalid commune id/);
    await expect(communeContent(tmp.dir, 'Xa_A', 'nha')).rejects.toThrow(/invalid commune id/);
  });
});
