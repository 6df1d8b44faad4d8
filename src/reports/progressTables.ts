/**
 * @module reports/progressTables
 *
 * The progress report laid out as tables, one per view (indicators, hamlets,
 * groups, weeks, quizzes, failed questions, notes): the CSV writes them one
 * under another, the XLSX one per sheet. One layout for both, so the two
 * files always carry the same columns in the same order.
 */
import type { ProgressCell, ProgressReport, Target } from './progressTypes.js';

export type ColumnKind = 'text' | 'int' | 'share' | 'id';

export interface Column {
  readonly header: string;
  readonly kind: ColumnKind;
  /** Excel column width in characters. */
  readonly width: number;
}

export type Value = string | number | null;

export interface Table {
  /** Sheet name (Excel: at most 31 characters, no / \ ? * [ ]). */
  readonly name: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Value[])[];
}

/** "80%", or the plan's "trên 60%" when reaching it exactly is not enough. */
export function targetLabel(target: Target | null): string {
  if (target === null) return '';
  const percent = `${Math.round(target.share * 1000) / 10}%`;
  return target.strict ? `trên ${percent}` : percent;
}

export function metLabel(met: boolean | null): string {
  return met === null ? 'chưa rõ' : met ? 'Đạt' : 'Chưa đạt';
}

const col = (header: string, kind: ColumnKind, width = 14): Column => ({ header, kind, width });

const CELL_COLUMNS = [
  col('Số người hoàn thành', 'int'),
  col('Dân số', 'int', 10),
  col('Tỷ lệ', 'share', 10),
  col('Mục tiêu', 'text', 12),
  col('Đánh giá', 'text', 12),
] as const;

const cellValues = (c: ProgressCell): Value[] => [
  c.completed,
  c.population,
  c.share,
  targetLabel(c.target),
  c.target === null ? '' : metLabel(c.met),
];

/** Every view of the report, in the order staff read them. */
export function progressTables(report: ProgressReport): Table[] {
  const groupNames = new Map(report.groups.map((g) => [g.groupId, g.groupName]));
  return [
    {
      name: 'Chỉ tiêu',
      columns: [
        col('Mục', 'text', 6),
        col('Chỉ tiêu theo Kế hoạch', 'text', 70),
        col('Nhóm đối tượng', 'text', 36),
        ...CELL_COLUMNS,
      ],
      rows: report.indicators.map((i) => [
        i.letter,
        i.label,
        i.groupId === null
          ? 'Người dân trưởng thành được xác nhận trên VNeID'
          : (groupNames.get(i.groupId) ?? i.groupId),
        ...cellValues(i),
      ]),
    },
    {
      name: 'Xóm-khối',
      columns: [
        col('Xóm/khối', 'text', 24),
        col('Nhóm đối tượng', 'text', 36),
        ...CELL_COLUMNS,
        col('hamlet_id', 'id'),
        col('group_id', 'id'),
      ],
      rows: report.hamlets.flatMap((h) => [
        ...h.groups.map((g) => [h.hamletName, g.groupName, ...cellValues(g), h.hamletId ?? '', g.groupId ?? '']),
        [h.hamletName, 'Tất cả các nhóm', ...cellValues(h), h.hamletId ?? '', ''],
      ]),
    },
    {
      name: 'Nhóm đối tượng',
      columns: [col('Nhóm đối tượng', 'text', 40), ...CELL_COLUMNS, col('group_id', 'id')],
      rows: [
        ...report.groups.map((g) => [g.groupName, ...cellValues(g), g.groupId ?? '']),
        ['Tổng cộng', ...cellValues(report.total), ''],
      ],
    },
    {
      name: 'Theo tuần',
      columns: [
        col('Tuần bắt đầu (thứ Hai)', 'text', 22),
        col('Số người hoàn thành chương trình', 'int', 18),
        col('Số lượt đạt bài kiểm tra', 'int', 18),
      ],
      rows: report.weekly.map((w) => [w.weekStart, w.completions, w.passes]),
    },
    {
      name: 'Bài kiểm tra',
      columns: [
        col('Bài kiểm tra', 'text', 40),
        col('Số người đạt', 'int'),
        col('Số lượt làm chưa đạt', 'int', 16),
        col('quiz_id', 'id', 24),
      ],
      rows: report.quizzes.map((q) => [q.title, q.passed, q.failedAttempts, q.quizId]),
    },
    {
      name: 'Câu hay sai',
      columns: [
        col('Bài kiểm tra', 'text', 32),
        col('Câu hỏi', 'text', 70),
        col('Số lần trả lời sai', 'int'),
        col('Số lần trả lời', 'int'),
        col('Tỷ lệ sai', 'share', 10),
        col('quiz_id', 'id', 24),
        col('question_id', 'id'),
      ],
      rows: report.failedQuestions.map((f) => [
        report.quizzes.find((q) => q.quizId === f.quizId)?.title ?? f.quizId,
        f.prompt,
        f.wrong,
        f.answered,
        f.answered > 0 ? f.wrong / f.answered : null,
        f.quizId,
        f.questionId,
      ]),
    },
    {
      name: 'Ghi chú',
      columns: [col('Ghi chú', 'text', 120)],
      rows: report.notes.map((n) => [n]),
    },
  ];
}
