/**
 * Quiz banks as staff write them: the bundled banks all load clean, and every
 * malformed or hostile bank is left out with a message naming the file, the
 * quiz and the question, while the good banks beside it keep loading.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runQuizCheck } from '../../src/cli/quiz.js';
import { QUIZ_DOMAINS } from '../../src/core/quiz/types.js';
import { loadQuizBanks, MemoryQuizCatalog, parseQuizBank } from '../../src/content/loadQuizzes.js';
import { BUNDLED_KNOWLEDGE, memoryLogger, tempDir, testConfig, writeTree } from '../helpers.js';

interface QuestionInput {
  id?: unknown;
  text?: unknown;
  options?: unknown;
  answer?: unknown;
  explanation?: unknown;
  source?: unknown;
}

function question(id: string, overrides: QuestionInput = {}): QuestionInput {
  return {
    id,
    text: `Câu hỏi ${id}?`,
    options: ['Đúng', 'Sai', 'Không biết'],
    answer: 0,
    explanation: 'Vì tài liệu nói vậy.',
    source: 'vneid/gioi-thieu-vneid.md',
    ...overrides,
  };
}

function bank(id: string, overrides: Record<string, unknown> = {}): string {
  return stringify({
    id,
    title: `Bài ${id}`,
    domain: 'an-toan',
    pass_score: 0.8,
    questions: [question('q1'), question('q2'), question('q3')],
    ...overrides,
  });
}

const GOOD = bank('bai-tot');

describe('the bundled quiz banks', () => {
  it('all load with zero problems', async () => {
    const { quizzes, problems } = await loadQuizBanks(BUNDLED_KNOWLEDGE);
    expect(problems).toEqual([]);
    expect(quizzes.length).toBeGreaterThanOrEqual(10);
    expect(new Set(quizzes.map((q) => q.id)).size).toBe(quizzes.length);
    for (const quiz of quizzes) {
      expect(QUIZ_DOMAINS).toContain(quiz.domain);
      expect(quiz.version).toMatch(/^[0-9a-f]{16}$/);
      expect(quiz.questions.length).toBeGreaterThanOrEqual(6);
      for (const q of quiz.questions) {
        expect(q.answer).toBeLessThan(q.options.length);
        expect(q.text).toBe(q.text.normalize('NFC'));
      }
    }
  });

  it('back a catalog that lists the core quizzes first and finds each by id', async () => {
    const { quizzes } = await loadQuizBanks(BUNDLED_KNOWLEDGE);
    const catalog = new MemoryQuizCatalog(quizzes, ['phong-trao-bdhvs', 'vneid-co-ban']);
    expect(
      catalog
        .list()
        .map((q) => q.id)
        .slice(0, 2),
    ).toEqual(['phong-trao-bdhvs', 'vneid-co-ban']);
    expect(catalog.list()).toHaveLength(quizzes.length);
    expect(catalog.get('vneid-co-ban')?.title).toBe('VNeID cơ bản');
    expect(catalog.get('khong-co')).toBeUndefined();
  });
});

/** Runs `quiz check` over a knowledge folder; its exit code and what it printed. */
async function quizCheck(overrides: Record<string, string> = {}): Promise<{ code: number; text: string }> {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  const config = testConfig(overrides);
  const code = await runQuizCheck({ config, logger: memoryLogger().logger, args: [], stdout });
  return { code, text };
}

describe('quiz check on the bundled knowledge', () => {
  it('lists every quiz with its question count, warns about the empty hamlets and contacts and exits 0', async () => {
    const { code, text } = await quizCheck();
    expect(code).toBe(0);
    expect(text).toMatch(/✓ vneid-co-ban – VNeID cơ bản: \d+ questions, pass 80% \(core\)\n/);
    expect(text).toContain('? commune.yaml: chưa có xóm/khối nào trong danh sách');
    expect(text).toContain('? commune.yaml: contacts: chưa có thông tin liên hệ nào');
    expect(text).toMatch(/\n\d+ quizzes ready, 0 problems, 2 warnings\.\n$/);
  });
});

describe('quiz check on contacts staff filled in', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('hocvuso-contacts-');
  });
  afterEach(() => tmp.cleanup());

  it('names a phone that is not Vietnamese and a team for an unlisted hamlet, and exits 1', async () => {
    writeTree(tmp.dir, {
      'commune.yaml': [
        'name: Xã Thử',
        'hamlets: [{id: xom-1, name: Xóm 1}]',
        'groups: [{id: khac, name: Khác}]',
        'core_quizzes: [bai-tot]',
        'contacts:',
        '  office: {phone: "0912 34", hours: "giờ hành chính"}',
        '  police: {address: "Trụ sở công an xã"}',
        '  digital_teams: [{hamlet: xom-7, name: "Anh Nam"}]',
      ].join('\n'),
      'quizzes/a-tot.yaml': GOOD,
    });
    const { code, text } = await quizCheck({ KNOWLEDGE_DIR: tmp.dir });
    expect(code).toBe(1);
    expect(text).toContain('! commune.yaml: contacts.office: phone: "0912 34" không giống số điện thoại Việt Nam');
    expect(text).toContain('! commune.yaml: contacts.digital_teams #1: không có xóm/khối mã "xom-7" trong mục hamlets');
    expect(text).toContain('? commune.yaml: contacts: còn thiếu số điện thoại của bộ phận một cửa');
  });
});

describe('a malformed or hostile bank', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('hocvuso-quiz-');
  });
  afterEach(() => tmp.cleanup());

  /** Loads the bad file beside a good bank; the good one must always survive. */
  async function loadWith(files: Record<string, string | Buffer>): Promise<string[]> {
    writeTree(tmp.dir, { 'quizzes/a-tot.yaml': GOOD, ...files });
    const { quizzes, problems } = await loadQuizBanks(tmp.dir);
    expect(quizzes.map((q) => q.id)).toContain('bai-tot');
    return problems;
  }

  it('with a quiz id already used by an earlier file is left out, the first kept', async () => {
    writeTree(tmp.dir, {
      'quizzes/a.yaml': bank('trung', { title: 'Bản thứ nhất' }),
      'quizzes/b.yaml': bank('trung', { title: 'Bản thứ hai' }),
      'quizzes/c.yaml': GOOD,
    });
    const { quizzes, problems } = await loadQuizBanks(tmp.dir);
    expect(quizzes.map((q) => q.id)).toEqual(['trung', 'bai-tot']);
    expect(quizzes[0]?.title).toBe('Bản thứ nhất');
    expect(problems).toEqual([
      'quizzes/b.yaml: quiz "trung": duplicate quiz id (already used by quizzes/a.yaml); left out',
    ]);
  });

  it('with a question id used twice names the question and both positions', async () => {
    const problems = await loadWith({
      'quizzes/x.yaml': bank('x', { questions: [question('q1'), question('q2'), question('q1')] }),
    });
    expect(problems).toEqual([
      'quizzes/x.yaml: quiz "x", question "q1" (#3): duplicate question id (question #1 already uses it)',
    ]);
  });

  it('with an answer out of range says which answer and how many options', async () => {
    const problems = await loadWith({
      'quizzes/x.yaml': bank('x', { questions: [question('q1'), question('q2'), question('q3', { answer: 4 })] }),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('quizzes/x.yaml: quiz "x", question "q3": answer 4 is out of range (3 options)');
  });

  it.each([
    ['empty options', [], 'options: has 0 options; a question needs 2 to 4'],
    ['one option', ['Chỉ một'], 'options: has 1 option; a question needs 2 to 4'],
    ['five options', ['A', 'B', 'C', 'D', 'E'], 'options: has 5 options; a question needs 2 to 4'],
    ['a blank option', ['Có', '   '], 'options #2: must not be empty'],
    ['the same option twice', ['Có', 'Không', 'có'], 'options: #1 and #3 are the same ("có")'],
    ['options that are not a list', 'Có, Không', 'options: must be a list of 2 to 4 options (found text "Có, Không")'],
  ])('with %s is reported', async (_case, options, message) => {
    const problems = await loadWith({
      'quizzes/x.yaml': bank('x', { questions: [question('q1'), question('q2', { options, answer: 0 })] }),
    });
    expect(problems).toContain(`quizzes/x.yaml: quiz "x", question "q2": ${message}`);
  });

  it.each([
    ['a list', '- id: x\n- title: y\n', '(found a list)'],
    ['plain text', 'just some words\n', '(found plain text)'],
    ['an empty file', '', '(found an empty file)'],
  ])('that is %s instead of a mapping is reported by file', async (_case, text, found) => {
    const problems = await loadWith({ 'quizzes/x.yaml': text });
    expect(problems).toEqual([
      `quizzes/x.yaml: the file must be a YAML mapping with id, title, domain, pass_score and questions ${found}`,
    ]);
  });

  it('with wrong types names every bad field', async () => {
    const problems = await loadWith({
      'quizzes/x.yaml': bank('x', {
        title: ['không', 'phải', 'chữ'],
        pass_score: 'cao',
        domain: 'nau-an',
        questions: [question('q1', { answer: '1' }), question('q2', { text: 42, source: true }), 'không phải câu hỏi'],
      }),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'quizzes/x.yaml: quiz "x": title: must be text (put it in "quotes" if it is a number or yes/no) (found a list)',
        'quizzes/x.yaml: quiz "x": pass_score: must be a share between 0 and 1, e.g. 0.8 (found text "cao")',
        expect.stringMatching(
          /^quizzes\/x\.yaml: quiz "x": domain: must be one of thiet-bi, .* \(found text "nau-an"\)$/,
        ),
        'quizzes/x.yaml: quiz "x", question "q1": answer: must be the number of the correct option, counting from 0 (found text "1")',
        'quizzes/x.yaml: quiz "x", question "q2": text: must be text (put it in "quotes" if it is a number or yes/no) (found the number 42)',
        'quizzes/x.yaml: quiz "x", question "q2": source: must be text (put it in "quotes" if it is a number or yes/no) (found true (yes/no))',
        'quizzes/x.yaml: quiz "x", question #3: must be a mapping with id, text, options, answer, explanation and source',
      ]),
    );
  });

  it('with invalid YAML syntax is reported by file with the parser message', async () => {
    const problems = await loadWith({ 'quizzes/x.yaml': 'id: x\nquestions: [\n  - id: q1\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^quizzes\/x\.yaml: not valid YAML: .+/);
  });

  it('with a repeated key is reported rather than silently taking the last value', async () => {
    const problems = await loadWith({ 'quizzes/x.yaml': `${GOOD.replace('id: bai-tot', 'id: x')}answer: 1\nid: y\n` });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^quizzes\/x\.yaml: not valid YAML: Map keys must be unique/);
  });

  it('that is an alias bomb is refused quickly', async () => {
    const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (const [prev, next] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
      ['h', 'i'],
    ] as const) {
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const started = performance.now();
    const problems = await loadWith({ 'quizzes/x.yaml': lines.join('\n') });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(problems).toEqual([
      'quizzes/x.yaml: not valid YAML: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  it('with huge or non-finite numbers is reported, not trusted', async () => {
    const problems = await loadWith({
      'quizzes/x.yaml': bank('x', {
        questions: [question('q1', { answer: 1e300 }), question('q2')],
      }).replace('pass_score: 0.8', 'pass_score: .inf'),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'quizzes/x.yaml: quiz "x": pass_score: must be a share between 0 and 1, e.g. 0.8 (found the number Infinity)',
        'quizzes/x.yaml: quiz "x", question "q1": answer 1e+300 is out of range (3 options): 0 is the first option, 2 the last',
      ]),
    );
  });

  it('with limits broken (no questions, too long, bad ids, pass score 0) says what the limit is', async () => {
    const problems = await loadWith({
      'quizzes/x.yaml': bank('x', { questions: [], pass_score: 0 }),
      'quizzes/y.yaml': bank('Bai Y', {
        questions: [question('q1', { text: 'Dài '.repeat(100), explanation: 'x'.repeat(401) }), question('Q 2')],
      }),
      'quizzes/z.yaml': bank('z', { questions: Array.from({ length: 31 }, (_, i) => question(`q${i + 1}`)) }),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'quizzes/x.yaml: quiz "x": pass_score: must be more than 0',
        'quizzes/x.yaml: quiz "x": questions: has 0 questions; a quiz needs 1 to 30',
        'quizzes/y.yaml: quiz "Bai Y": id: must be lower-case letters a–z, digits and hyphens only, like "vneid-co-ban"',
        'quizzes/y.yaml: quiz "Bai Y", question "q1": text: is 399 characters long (at most 300)',
        'quizzes/y.yaml: quiz "Bai Y", question "q1": explanation: is 401 characters long (at most 400)',
        'quizzes/y.yaml: quiz "Bai Y", question "Q 2": id: must be lower-case letters a–z, digits and hyphens only, like "q1"',
        'quizzes/z.yaml: quiz "z": questions: has 31 questions; a quiz needs 1 to 30',
      ]),
    );
  });

  it('that is not UTF-8 or far too large is reported by file', async () => {
    const problems = await loadWith({
      'quizzes/latin1.yaml': Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xe0, 0xe1, 0x0a]),
      'quizzes/big.yaml': `# ${'x'.repeat(200 * 1024)}\n${GOOD}`,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^quizzes\/big\.yaml: the file is \d+ bytes; at most \d+ are read$/),
      'quizzes/latin1.yaml: the file is not UTF-8 text (save it as UTF-8)',
    ]);
  });

  it('nested absurdly deep does not crash the loader', async () => {
    const deep = `id: x\nquestions: ${'['.repeat(40_000)}${']'.repeat(40_000)}\n`;
    const problems = await loadWith({ 'quizzes/x.yaml': deep });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^quizzes\/x\.yaml: /);
  });

  it('drafts (names starting with _ or .) and other file types are not loaded', async () => {
    writeTree(tmp.dir, {
      'quizzes/_nhap.yaml': 'không hợp lệ: [',
      'quizzes/.an.yml': 'không hợp lệ: [',
      'quizzes/ghi-chu.txt': 'ghi chú',
      'quizzes/b.yml': bank('bai-yml'),
    });
    const { quizzes, problems } = await loadQuizBanks(tmp.dir);
    expect(problems).toEqual([]);
    expect(quizzes.map((q) => q.id)).toEqual(['bai-yml']);
  });

  it('a missing quizzes folder is one problem, not an exception', async () => {
    const { quizzes, problems } = await loadQuizBanks(tmp.dir);
    expect(quizzes).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/^quizzes\/: cannot read the folder .* \(ENOENT\)/)]);
  });
});

describe('parseQuizBank', () => {
  it('normalises decomposed (NFD) Vietnamese to NFC and trims it', () => {
    const nfd = bank('nfd', { title: '  Dịch vụ công  '.normalize('NFD') });
    const { quiz, problems } = parseQuizBank('quizzes/nfd.yaml', Buffer.from(nfd));
    expect(problems).toEqual([]);
    expect(quiz?.title).toBe('Dịch vụ công');
    expect(quiz?.title).toBe(quiz?.title.normalize('NFC'));
  });

  it('versions a bank by its content, so an edited bank gets a new version', () => {
    const a = parseQuizBank('quizzes/a.yaml', Buffer.from(GOOD)).quiz;
    const b = parseQuizBank('quizzes/a.yaml', Buffer.from(`${GOOD}# sửa\n`)).quiz;
    expect(a?.version).toMatch(/^[0-9a-f]{16}$/);
    expect(b?.version).not.toBe(a?.version);
    expect(a).toMatchObject({ id: 'bai-tot', domain: 'an-toan', passScore: 0.8 });
    expect(a?.questions[0]).toEqual({
      id: 'q1',
      text: 'Câu hỏi q1?',
      options: ['Đúng', 'Sai', 'Không biết'],
      answer: 0,
      explanation: 'Vì tài liệu nói vậy.',
      source: 'vneid/gioi-thieu-vneid.md',
    });
  });
});
