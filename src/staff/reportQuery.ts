/**
 * @module staff/reportQuery
 *
 * The report's query string, validated at the edge: which year's targets,
 * which hamlet and group, which period, and for the CSV which separator. A
 * bad value gets a 400 whose Vietnamese message names the field, so the
 * staff member (or the dashboard's developer) sees what to change.
 */
import { communeYearOf } from '../core/communeTime.js';
import { z } from 'zod';
import type { CsvSeparator } from '../reports/csv.js';
import { clampPlanYear, PLAN_YEARS } from '../reports/planIndicators.js';
import type { ProgressQuery } from '../reports/progressTypes.js';

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day (2026-02-30 is not). */
function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const id = (field: string, what: string) =>
  z
    .string()
    .max(64, `Tham số "${field}" quá dài.`)
    .regex(ID, `Tham số "${field}" phải là mã ${what} (chữ thường không dấu, số, dấu gạch ngang), ví dụ xom-1.`);

const day = (field: string) =>
  z.string().refine(isDay, `Tham số "${field}" phải là một ngày có thật, viết dạng NĂM-THÁNG-NGÀY, ví dụ 2026-12-06.`);

export const ReportQuerySchema = z
  .object({
    year: z
      .enum(PLAN_YEARS.map(String) as [string, ...string[]], {
        error: () => `Tham số "year" phải là năm có mục tiêu trong Kế hoạch: ${PLAN_YEARS.join(' hoặc ')}.`,
      })
      .optional(),
    hamlet: id('hamlet', 'xóm/khối').optional(),
    group: id('group', 'nhóm đối tượng').optional(),
    from: day('from').optional(),
    to: day('to').optional(),
    sep: z
      .enum(['semicolon', 'comma'], {
        error: () => 'Tham số "sep" phải là semicolon (dấu chấm phẩy, mặc định) hoặc comma (dấu phẩy).',
      })
      .optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'Tham số "from" (từ ngày) phải trước hoặc bằng "to" (đến ngày).',
    path: ['from'],
  });

export type ParsedReportQuery =
  | { readonly ok: true; readonly query: ProgressQuery; readonly separator: CsvSeparator }
  | { readonly ok: false; readonly error: string };

/** The plan's year for "now" in Viet Nam (UTC+7), so a report on 31/12 after 17:00 UTC is already next year's. */
export function currentPlanYear(now: Date): number {
  return clampPlanYear(communeYearOf(now));
}

export function parseReportQuery(raw: Record<string, string>, now: Date): ParsedReportQuery {
  const result = ReportQuerySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const message =
      unknownKey !== undefined
        ? `Tham số "${unknownKey}" không được hỗ trợ (dùng year, hamlet, group, from, to, sep).`
        : (issue?.message ?? 'Tham số không hợp lệ.');
    return { ok: false, error: message };
  }
  const q = result.data;
  return {
    ok: true,
    query: {
      year: q.year !== undefined ? Number(q.year) : currentPlanYear(now),
      ...(q.hamlet !== undefined && { hamletId: q.hamlet }),
      ...(q.group !== undefined && { groupId: q.group }),
      ...(q.from !== undefined && { from: q.from }),
      ...(q.to !== undefined && { to: q.to }),
    },
    separator: q.sep === 'comma' ? ',' : ';',
  };
}
