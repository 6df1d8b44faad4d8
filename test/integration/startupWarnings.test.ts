/**
 * What commune staff read in the log when the service starts over a knowledge
 * folder with mistakes in it: every warning's message is Vietnamese, and the
 * details ride in fields whose names stay English (file, reason, problem).
 * On SQLite or PostgreSQL (test/testService.ts): each builds its own start.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../helpers.js';
import { testService } from '../testService.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Letters only Vietnamese text has (tone and vowel marks, đ). */
const VIETNAMESE = /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/iu;

describe('start-up warnings', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('hocvuso-startup-');
  });
  afterEach(() => tmp.cleanup());

  async function warningsFor(files: Record<string, string>): Promise<LogLine[]> {
    writeTree(join(tmp.dir, 'knowledge'), files);
    const services = await testService({ env: { KNOWLEDGE_DIR: join(tmp.dir, 'knowledge') } });
    const lines = [...services.logLines];
    await services.close();
    return lines.map((l) => JSON.parse(l) as LogLine).filter((l) => l.level === 40);
  }

  it('are in Vietnamese, with English field names, for a folder full of mistakes', async () => {
    const warnings = await warningsFor({
      'buu-dien.md': '# Bưu điện\n\nBưu điện văn hóa xã mở cửa từ 7 giờ.\n',
      'hong.md': '---\ntitle: [chưa đóng\n---\n\nNội dung.\n',
      'faq/chung.yaml': '- id: a\n  question: Hỏi gì?\n  answer: Đáp.\n  source: khong-co.md\n',
      'quizzes/hong.yaml': 'id: hong\n',
    });
    // No commune.yaml, a broken document, an FAQ citing a missing document, a broken quiz bank.
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    for (const w of warnings) expect(w.msg, JSON.stringify(w)).toMatch(VIETNAMESE);
    expect(warnings.find((w) => w.file === 'hong.md')).toMatchObject({ reason: expect.any(String) });
    expect(warnings.some((w) => typeof w.problem === 'string' && w.problem.startsWith('quizzes/hong.yaml'))).toBe(true);
    expect(warnings.some((w) => w.msg.includes('commune.yaml'))).toBe(true);
  });

  it('name a broken commune.yaml in Vietnamese and point to `quiz check`', async () => {
    const warnings = await warningsFor({
      'buu-dien.md': '# Bưu điện\n\nBưu điện văn hóa xã.\n',
      'commune.yaml':
        'name: Xã Thử\nhamlets: khong-phai-danh-sach\ngroups: [{id: khac, name: Khác}]\ncore_quizzes: [a]\n',
    });
    const problem = warnings.find((w) => typeof w.problem === 'string' && w.problem.includes('hamlets'));
    expect(problem?.msg).toContain('quiz check');
    expect(problem?.msg).toMatch(VIETNAMESE);
  });
});
