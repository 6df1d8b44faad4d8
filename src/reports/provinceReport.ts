/**
 * @module reports/provinceReport
 *
 * The province's view: one row per commune, each plan indicator (a–đ) of
 * that commune against that commune's own targets, side by side, plus the
 * quiz passes of the current week. The indicator figures are exactly the
 * commune's own progress report's (buildProgressReport, read per commune by
 * provinceData.ts), so a commune and its province never see two numbers for
 * one thing.
 *
 * Totals: completions and passes add up across communes; a population adds
 * up only when every commune has entered it (a sum over the communes that
 * did would make a share that looks province-wide and is not), and then the
 * share follows. Targets are each commune's own, so the total row states no
 * target and no "met".
 */
import { cell } from './progress.js';
import type { IndicatorLetter, IndicatorRow, ProgressCell } from './progressTypes.js';

export interface ProvinceIndicatorHeader {
  readonly letter: IndicatorLetter;
  /** The indicator in the plan's words. */
  readonly label: string;
}

export interface ProvinceCommuneRow {
  readonly communeId: string;
  readonly communeName: string;
  /** One cell per indicator, in the headers' order. */
  readonly indicators: readonly IndicatorRow[];
  /** Quiz passes recorded this week (Monday to today, commune time). */
  readonly passesThisWeek: number;
}

export interface ProvinceReport {
  /** The plan's year whose targets apply (2025 or 2026). */
  readonly year: number;
  /** ISO timestamp. */
  readonly generatedAt: string;
  /** Monday of the current week (YYYY-MM-DD, commune time): what "this week" means. */
  readonly weekStart: string;
  readonly headers: readonly ProvinceIndicatorHeader[];
  /** Sorted by commune name (Vietnamese order). */
  readonly communes: readonly ProvinceCommuneRow[];
  readonly total: {
    /** One cell per indicator: summed counts, no target. */
    readonly indicators: readonly ProgressCell[];
    readonly passesThisWeek: number;
  };
}

/** What provinceData.ts gathers per commune. */
export interface ProvinceCommuneInput {
  readonly communeId: string;
  readonly communeName: string;
  /** The commune's own report's indicators for the year. */
  readonly indicators: readonly IndicatorRow[];
  readonly passesThisWeek: number;
}

const byName = new Intl.Collator('vi', { numeric: true });

/** Sum of populations, or null when any commune's is unknown. */
function sumKnown(values: readonly (number | null)[]): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

export function buildProvinceReport(input: {
  readonly year: number;
  readonly generatedAt: string;
  readonly weekStart: string;
  readonly headers: readonly ProvinceIndicatorHeader[];
  readonly communes: readonly ProvinceCommuneInput[];
}): ProvinceReport {
  const communes = [...input.communes].sort(
    (a, b) => byName.compare(a.communeName, b.communeName) || (a.communeId < b.communeId ? -1 : 1),
  );
  const cellsOf = (letter: IndicatorLetter) =>
    communes.map((c) => c.indicators.find((i) => i.letter === letter) ?? null);
  const total = input.headers.map((h) => {
    const cells = cellsOf(h.letter);
    const completed = cells.reduce((sum, c) => sum + (c?.completed ?? 0), 0);
    const population = cells.length === 0 ? null : sumKnown(cells.map((c) => c?.population ?? null));
    return cell(completed, population, null);
  });
  return {
    year: input.year,
    generatedAt: input.generatedAt,
    weekStart: input.weekStart,
    headers: input.headers,
    communes: communes.map((c) => ({
      communeId: c.communeId,
      communeName: c.communeName,
      indicators: input.headers.map(
        (h) => c.indicators.find((i) => i.letter === h.letter) ?? { ...h, groupId: null, ...cell(0, null, null) },
      ),
      passesThisWeek: c.passesThisWeek,
    })),
    total: { indicators: total, passesThisWeek: communes.reduce((sum, c) => sum + c.passesThisWeek, 0) },
  };
}
