/**
 * @module reports/planIndicators
 *
 * Section III of the commune's plan as the report labels it: for each year
 * the five indicators a, b, c, d, đ in the plan's own words, which target
 * group each counts, and whether its target is "trên …%" (strictly above).
 * The percentages themselves come from commune.yaml (`targets:`), which staff
 * can correct; the wording and the strictness are the plan's and live here.
 */
import type { IndicatorLetter } from './progressTypes.js';

/** The years the plan sets targets for; a report for another year is clamped to these. */
export const PLAN_YEARS = [2025, 2026] as const;
export type PlanYear = (typeof PLAN_YEARS)[number];

export interface PlanIndicator {
  readonly letter: IndicatorLetter;
  readonly label: string;
  /** The target group counted; null for d, which counts VNeID-certified adults. */
  readonly groupId: string | null;
  /** "Phấn đấu trên 60%": reaching exactly the figure is not enough. */
  readonly strict: boolean;
}

/** The group whose population is d's denominator: adults. */
export const ADULTS_GROUP = 'nguoi-dan';

export const PLAN_SECTION: Readonly<Record<PlanYear, string>> = { 2025: 'III.1', 2026: 'III.2' };

export const PLAN_INDICATORS: Readonly<Record<PlanYear, readonly PlanIndicator[]>> = {
  2025: [
    {
      letter: 'a',
      label:
        'Cán bộ, công chức, viên chức và người lao động có hiểu biết về chuyển đổi số, kiến thức và kỹ năng số, ' +
        'sử dụng được các nền tảng, dịch vụ số phục vụ công việc',
      groupId: 'can-bo-cong-chuc',
      strict: false,
    },
    {
      letter: 'b',
      label: 'Học sinh trung học và sinh viên được trang bị kiến thức, kỹ năng số',
      groupId: 'hoc-sinh-sinh-vien',
      strict: false,
    },
    {
      letter: 'c',
      label: 'Người dân trong độ tuổi trưởng thành có tri thức cơ bản về chuyển đổi số, có kỹ năng số',
      groupId: 'nguoi-dan',
      strict: false,
    },
    {
      letter: 'd',
      label:
        'Người dân trong độ tuổi trưởng thành được xác nhận đạt phổ cập tri thức về chuyển đổi số, ' +
        'kỹ năng số trên nền tảng VNeID (phấn đấu)',
      groupId: null,
      strict: false,
    },
    {
      letter: 'đ',
      label:
        'Người lao động trong các doanh nghiệp, hợp tác xã, liên hợp tác xã có kiến thức cơ bản về công nghệ số, ' +
        'có kỹ năng số',
      groupId: 'lao-dong-doanh-nghiep',
      strict: false,
    },
  ],
  2026: [
    {
      letter: 'a',
      label:
        'Cán bộ, công chức, viên chức và người lao động có hiểu biết về chuyển đổi số, kiến thức và kỹ năng số, ' +
        'sử dụng tốt các nền tảng, dịch vụ số phục vụ công việc',
      groupId: 'can-bo-cong-chuc',
      strict: false,
    },
    {
      letter: 'b',
      label: 'Học sinh từ cấp tiểu học được trang bị kiến thức, kỹ năng số',
      groupId: 'hoc-sinh-sinh-vien',
      strict: false,
    },
    {
      letter: 'c',
      label: 'Người dân trưởng thành có tri thức cơ bản về chuyển đổi số, có kỹ năng số',
      groupId: 'nguoi-dan',
      strict: false,
    },
    {
      letter: 'd',
      label:
        'Người dân trong độ tuổi trưởng thành được xác nhận đạt phổ cập tri thức về chuyển đổi số, ' +
        'kỹ năng số trên nền tảng VNeID (phấn đấu trên mức mục tiêu)',
      groupId: null,
      strict: true,
    },
    {
      letter: 'đ',
      label:
        'Người lao động trong các doanh nghiệp, hợp tác xã, liên hợp tác xã có kiến thức về công nghệ số, ' +
        'có kỹ năng số',
      groupId: 'lao-dong-doanh-nghiep',
      strict: false,
    },
  ],
};

/** The plan's year nearest to `year` (a report in 2027 still measures against 2026's targets). */
export function clampPlanYear(year: number): PlanYear {
  return year <= 2025 ? 2025 : 2026;
}
