/**
 * The completion export staff open in Excel: counts per hamlet × target group
 * × quiz (and programme completion) aggregated by the database (SQLite or
 * PostgreSQL, test/testRepos.ts), unknown profiles
 * under "chưa rõ", and a file Excel reads as Vietnamese (BOM, CRLF, quoting).
 * The real CLI runs in child processes, all started at once in beforeAll.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { stringify } from 'yaml';
import { buildCompletionCsv, COMPLETION_HEADER, PROGRAMME_ID, UNKNOWN_LABEL } from '../../src/reports/completionCsv.js';
import { csvCell } from '../../src/reports/csv.js';
import { loadCommune } from '../../src/content/loadCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from '../../src/content/loadQuizzes.js';
import type { CompletionCount } from '../../src/core/stores/reports.js';
import type { TableAccess } from '../contracts/tables.js';
import { runCli, tempDir, writeTree, type CliRunResult } from '../helpers.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../testRepos.js';

/** Another commune on the same database, whose rows must not leak into this one's report. */
const OTHER = 'xa-khac';
const TRICKY_HAMLET = 'Xóm Đông, "Trên"';

function quizBank(id: string, title: string): string {
  return stringify({
    id,
    title,
    domain: 'an-toan',
    pass_score: 0.5,
    questions: [
      { id: 'q1', text: 'Câu 1?', options: ['Có', 'Không'], answer: 0, explanation: 'Vì vậy.', source: 'a.md' },
    ],
  });
}

const COMMUNE_YAML = stringify({
  name: 'Xã Hùng Châu',
  hamlets: [
    { id: 'xom-dong', name: TRICKY_HAMLET },
    { id: 'xom-tay', name: 'Xóm Tây' },
  ],
  groups: [
    { id: 'nguoi-dan', name: 'Người dân trong độ tuổi trưởng thành' },
    { id: 'hoc-sinh-sinh-vien', name: 'Học sinh, sinh viên' },
    { id: 'khac', name: 'Khác' },
  ],
  core_quizzes: ['bai-a', 'bai-b'],
});

/** [citizen id, hamlet, group, quizzes passed, completed the programme] */
const PEOPLE: readonly [string, string | null, string | null, readonly string[], boolean][] = [
  ['c1', 'xom-dong', 'nguoi-dan', ['bai-a', 'bai-b'], true],
  ['c2', 'xom-dong', 'nguoi-dan', ['bai-a', 'bai-cu'], false],
  ['c3', 'xom-dong', 'hoc-sinh-sinh-vien', ['bai-b'], false],
  ['c4', 'xom-tay', 'nguoi-dan', ['bai-a'], true],
  ['c5', null, null, ['bai-a'], true],
  ['c6', '  ', 'nguoi-dan', ['bai-b'], false],
  ['c7', 'xom-cu', 'khac', ['bai-a'], false],
  ['c8', 'xom-dong', 'nguoi-dan', [], false],
];

async function seed(tables: TableAccess, commune: string): Promise<void> {
  const at = '2026-11-01T08:00:00.000Z';
  const citizen = (communeId: string, id: string, name: string, hamlet: string | null, group: string | null) =>
    tables.insert('citizens', {
      commune_id: communeId,
      id,
      consent: 'given',
      display_name: name,
      hamlet,
      target_group: group,
      birth_year: 1980,
      created_at: at,
      updated_at: at,
    });
  const pass = (communeId: string, citizenId: string, quizId: string, attemptId: string) =>
    tables.insert('quiz_passes', {
      commune_id: communeId,
      citizen_id: citizenId,
      quiz_id: quizId,
      attempt_id: attemptId,
      score: 1,
      passed_at: at,
    });
  const programme = (communeId: string, citizenId: string) =>
    tables.insert('programme_completions', { commune_id: communeId, citizen_id: citizenId, completed_at: at });
  for (const [id, hamlet, group, quizzes, completed] of PEOPLE) {
    await citizen(commune, id, `Người ${id}`, hamlet, group);
    for (const quiz of quizzes) await pass(commune, id, quiz, `${id}-${quiz}`);
    if (completed) await programme(commune, id);
  }
  // Another commune on the same install must not leak into this one's report.
  await tables.insert('communes', { id: OTHER, name: 'Xã Khác' });
  await citizen(OTHER, 'k1', 'Người khác', 'xom-dong', 'nguoi-dan');
  await pass(OTHER, 'k1', 'bai-a', 'k1-a');
  await programme(OTHER, 'k1');
}

/** A small RFC 4180 reader, enough to check what Excel will see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  expect(cell).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('completion export', () => {
  let tmp: { dir: string; cleanup: () => void };
  let knowledge: string;
  let repos: TestReposDb;
  let commune: TestRepos;
  let csvText: string;
  let csvRows: number;
  let cli: Record<'exported' | 'badFormat' | 'check' | 'progress' | 'workbook' | 'badDate', CliRunResult>;
  const outFile = (): string => join(tmp.dir, 'bao-cao.csv');

  beforeAll(async () => {
    tmp = tempDir('hocvuso-export-');
    knowledge = join(tmp.dir, 'knowledge');
    writeTree(knowledge, {
      'commune.yaml': COMMUNE_YAML,
      'quizzes/bai-a.yaml': quizBank('bai-a', 'VNeID cơ bản'),
      'quizzes/bai-b.yaml': quizBank('bai-b', 'Nhận diện lừa đảo, "mẹo" hay gặp'),
    });
    // A second knowledge folder whose bank is broken, for `quiz check`.
    writeTree(join(tmp.dir, 'broken'), {
      'commune.yaml': COMMUNE_YAML,
      'quizzes/bai-a.yaml': quizBank('bai-a', 'VNeID cơ bản').replace('answer: 0', 'answer: 2'),
    });
    repos = await openTestRepos();
    commune = await repos.fresh();
    await seed(commune.tables, commune.communeId);

    const [banks, yaml] = await Promise.all([loadQuizBanks(knowledge), loadCommune(knowledge)]);
    expect(banks.problems).toEqual([]);
    const repo = commune.reports();
    const built = buildCompletionCsv({
      commune: yaml.commune,
      quizzes: new MemoryQuizCatalog(banks.quizzes, yaml.commune.coreQuizzes).list(),
      completions: await repo.completionCounts(),
      programme: await repo.programmeCounts(),
    });
    csvText = built.text;
    csvRows = built.rows;

    const env = { ...commune.env, KNOWLEDGE_DIR: knowledge };
    const [exported, badFormat, check, progress, workbook, badDate] = await Promise.all([
      runCli(['export', '--format', 'completions-csv', '--out', outFile()], env),
      runCli(['export', '--format', 'pdf'], env),
      runCli(['quiz', 'check'], { LOG_LEVEL: 'warn', ...env, KNOWLEDGE_DIR: join(tmp.dir, 'broken') }),
      runCli(['export', '--format', 'csv', '--year', '2025', '--sep', 'comma'], env),
      runCli(['export', '--format', 'xlsx', '--hamlet', 'xom-dong', '--out', join(tmp.dir, 'bao-cao.xlsx')], env),
      runCli(['export', '--format', 'csv', '--from', '2026-13-01'], env),
    ]);
    cli = { exported, badFormat, check, progress, workbook, badDate };
  }, 90_000);

  afterAll(async () => {
    await repos?.close();
    tmp?.cleanup();
  });

  it('counts passes per hamlet × group × quiz in SQL, blank profiles as unknown, one commune only', async () => {
    const sort = (rows: CompletionCount[]) =>
      [...rows].sort((a, b) =>
        `${a.hamletId}/${a.groupId}/${a.quizId}`.localeCompare(`${b.hamletId}/${b.groupId}/${b.quizId}`),
      );
    const repo = commune.reports();
    expect(sort(await repo.completionCounts())).toEqual(
      sort([
        { hamletId: 'xom-dong', groupId: 'nguoi-dan', quizId: 'bai-a', passed: 2 },
        { hamletId: 'xom-dong', groupId: 'nguoi-dan', quizId: 'bai-b', passed: 1 },
        { hamletId: 'xom-dong', groupId: 'nguoi-dan', quizId: 'bai-cu', passed: 1 },
        { hamletId: 'xom-dong', groupId: 'hoc-sinh-sinh-vien', quizId: 'bai-b', passed: 1 },
        { hamletId: 'xom-tay', groupId: 'nguoi-dan', quizId: 'bai-a', passed: 1 },
        { hamletId: null, groupId: null, quizId: 'bai-a', passed: 1 },
        { hamletId: null, groupId: 'nguoi-dan', quizId: 'bai-b', passed: 1 },
        { hamletId: 'xom-cu', groupId: 'khac', quizId: 'bai-a', passed: 1 },
      ]),
    );
    const programme = await repo.programmeCounts();
    expect(programme).toEqual(
      expect.arrayContaining([
        { hamletId: 'xom-dong', groupId: 'nguoi-dan', completed: 1 },
        { hamletId: 'xom-tay', groupId: 'nguoi-dan', completed: 1 },
        { hamletId: null, groupId: null, completed: 1 },
      ]),
    );
    expect(programme).toHaveLength(3);
    expect(await commune.reports(OTHER).completionCounts()).toEqual([
      { hamletId: 'xom-dong', groupId: 'nguoi-dan', quizId: 'bai-a', passed: 1 },
    ]);
  });

  it('is UTF-8 with a BOM and CRLF line ends, with the Vietnamese header and the id columns', () => {
    expect(csvText.startsWith('\uFEFF')).toBe(true);
    expect(csvText.endsWith('\r\n')).toBe(true);
    expect(csvText.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(csvText.slice(1));
    expect(rows[0]).toEqual([...COMPLETION_HEADER]);
    expect(rows[0]).toEqual([
      'Xóm/khối',
      'Nhóm đối tượng',
      'Bài kiểm tra',
      'Số người đạt',
      'hamlet_id',
      'group_id',
      'quiz_id',
    ]);
    expect(rows).toHaveLength(csvRows + 1);
    for (const row of rows) expect(row).toHaveLength(7);
  });

  it('gives every hamlet × group × quiz its count, names from commune.yaml and the banks, zeros included', () => {
    const rows = parseCsv(csvText.slice(1)).slice(1);
    const count = (hamlet: string, group: string, quiz: string): string | undefined =>
      rows.find((r) => r[4] === hamlet && r[5] === group && r[6] === quiz)?.[3];
    expect(count('xom-dong', 'nguoi-dan', 'bai-a')).toBe('2');
    expect(count('xom-dong', 'nguoi-dan', 'bai-b')).toBe('1');
    expect(count('xom-dong', 'hoc-sinh-sinh-vien', 'bai-b')).toBe('1');
    expect(count('xom-dong', 'hoc-sinh-sinh-vien', 'bai-a')).toBe('0');
    expect(count('xom-tay', 'khac', 'bai-a')).toBe('0');
    expect(count('xom-tay', 'nguoi-dan', 'bai-a')).toBe('1');
    // A retired quiz and a hamlet no longer listed still show, so nothing is dropped.
    expect(count('xom-dong', 'nguoi-dan', 'bai-cu')).toBe('1');
    expect(count('xom-cu', 'khac', 'bai-a')).toBe('1');
    // Programme completion: one row per hamlet × group.
    expect(count('xom-dong', 'nguoi-dan', PROGRAMME_ID)).toBe('1');
    expect(count('xom-tay', 'nguoi-dan', PROGRAMME_ID)).toBe('1');
    expect(count('xom-dong', 'khac', PROGRAMME_ID)).toBe('0');

    const first = rows.find((r) => r[4] === 'xom-dong' && r[5] === 'nguoi-dan' && r[6] === 'bai-b');
    expect(first?.slice(0, 3)).toEqual([
      TRICKY_HAMLET,
      'Người dân trong độ tuổi trưởng thành',
      'Nhận diện lừa đảo, "mẹo" hay gặp',
    ]);
    // Listed hamlets first, in commune.yaml order; unlisted ids after them; "chưa rõ" last.
    const hamletOrder = [...new Set(rows.map((r) => r[4]))];
    expect(hamletOrder).toEqual(['xom-dong', 'xom-tay', 'xom-cu', '']);
    expect(rows.filter((r) => r[6] === PROGRAMME_ID)).toHaveLength(4 * 4);
  });

  it('counts citizens with no hamlet or group under "chưa rõ"', () => {
    const rows = parseCsv(csvText.slice(1)).slice(1);
    const unknownBoth = rows.find((r) => r[4] === '' && r[5] === '' && r[6] === 'bai-a');
    expect(unknownBoth?.slice(0, 4)).toEqual([UNKNOWN_LABEL, UNKNOWN_LABEL, 'VNeID cơ bản', '1']);
    const blankHamlet = rows.find((r) => r[4] === '' && r[5] === 'nguoi-dan' && r[6] === 'bai-b');
    expect(blankHamlet?.slice(0, 4)).toEqual([
      UNKNOWN_LABEL,
      'Người dân trong độ tuổi trưởng thành',
      'Nhận diện lừa đảo, "mẹo" hay gặp',
      '1',
    ]);
    expect(rows.find((r) => r[4] === '' && r[5] === '' && r[6] === PROGRAMME_ID)?.[3]).toBe('1');
  });

  it('quotes a name with a comma or a quote, and defuses text Excel would run as a formula', () => {
    expect(csvText).toContain('"Xóm Đông, ""Trên"""');
    expect(csvText).toContain('"Nhận diện lừa đảo, ""mẹo"" hay gặp"');
    expect(csvText).toContain(',VNeID cơ bản,');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell(12)).toBe('12');
    expect(csvCell(' lề ')).toBe('" lề "');
  });

  it('the real CLI writes the same file with --format completions-csv --out and says so on stderr', () => {
    expect(cli.exported.stderr).toContain(`Đã ghi báo cáo (completions-csv) vào ${outFile()}`);
    expect(cli.exported.code).toBe(0);
    expect(cli.exported.stdout).toBe('');
    const written = readFileSync(outFile());
    expect([...written.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.toString('utf8')).toBe(csvText);
  });

  it('the real CLI refuses an unknown format or a bad date with exit code 1 and a Vietnamese message', () => {
    expect(cli.badFormat.code).toBe(1);
    expect(cli.badFormat.stderr).toContain('Không hỗ trợ định dạng "pdf". Các định dạng: csv, xlsx, completions-csv.');
    expect(cli.badFormat.stdout).toBe('');
    expect(cli.badDate.code).toBe(1);
    expect(cli.badDate.stderr).toContain('Tham số "from" phải là một ngày có thật');
    expect(cli.badDate.stdout).toBe('');
  });

  it('the real CLI streams the progress report as CSV to stdout, with the chosen separator and year', () => {
    expect(cli.progress.code).toBe(0);
    expect(cli.progress.stdout.startsWith('\uFEFF')).toBe(true);
    const lines = cli.progress.stdout.slice(1).split('\r\n');
    expect(lines[1]).toContain('Mục tiêu năm 2025 (Kế hoạch, mục III.1)');
    expect(lines).toContain(
      'Mục,Chỉ tiêu theo Kế hoạch,Nhóm đối tượng,Số người hoàn thành,Dân số,Tỷ lệ,Mục tiêu,Đánh giá',
    );
    // c1 completed the programme in xom-dong as nguoi-dan.
    expect(
      lines.some((l) => l.startsWith(`"${TRICKY_HAMLET.replace(/"/g, '""')}",Người dân trong độ tuổi trưởng thành,1,`)),
    ).toBe(true);
  });

  it('the real CLI writes an XLSX for one hamlet with --out', async () => {
    expect(cli.workbook.code).toBe(0);
    expect(cli.workbook.stderr).toContain('Đã ghi báo cáo (xlsx)');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(tmp.dir, 'bao-cao.xlsx'));
    const hamlets = book.getWorksheet('Xóm-khối');
    expect(hamlets?.getRow(2).getCell(8).value).toBe('xom-dong');
    // Header, one row per group (3) and the hamlet's total.
    expect(hamlets?.rowCount).toBe(1 + 3 + 1);
  });

  it('the real `quiz check` lists the problem in a broken bank and exits 1', () => {
    expect(cli.check.code).toBe(1);
    expect(cli.check.stdout).toContain(
      'quizzes/bai-a.yaml: quiz "bai-a", question "q1": answer 2 is out of range (2 options)',
    );
    // bai-b is a core quiz in commune.yaml but has no valid bank in that folder.
    expect(cli.check.stdout).toContain('core_quizzes: no valid quiz has the id "bai-b"');
    // The one warning: no contact filled in yet (commune.yaml's contacts ship empty).
    expect(cli.check.stdout).toMatch(/0 quizzes ready, 3 problems, 1 warning\./);
  });
});
