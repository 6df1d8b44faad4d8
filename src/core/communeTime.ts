/**
 * @module core/communeTime
 *
 * The commune's calendar from a UTC instant. Viet Nam keeps UTC+7 all year
 * (no daylight saving), so a fixed offset is exact; staff read days, weeks
 * (Monday first, as in their periodic reports) and years in that time, while
 * the database stores UTC. Every report, board and learning-loop figure takes
 * its day from here, so they can never disagree about which day a pass fell on.
 */

/** Asia/Ho_Chi_Minh's offset from UTC. */
export const COMMUNE_UTC_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** The commune's calendar day (YYYY-MM-DD) at that instant. */
export function communeDayOf(at: Date): string {
  return new Date(at.getTime() + COMMUNE_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** The commune's calendar year at that instant (31/12 after 17:00 UTC is already the next year). */
export function communeYearOf(at: Date): number {
  return new Date(at.getTime() + COMMUNE_UTC_OFFSET_MS).getUTCFullYear();
}

/** Monday of the week holding `day` (YYYY-MM-DD). */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC instant (ISO) at which the commune's day `day` (YYYY-MM-DD) begins. */
export function communeDayStartUtc(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - COMMUNE_UTC_OFFSET_MS).toISOString();
}

/**
 * The commune's wall clock at an instant, as staff read it: `date` is
 * "dd/mm/yyyy", `time` "HH:MM" (24-hour), `day` "YYYY-MM-DD". One place
 * for every page, board and CLI line that shows a time, so none of them can
 * show UTC by mistake.
 */
export function communeClock(at: Date): { readonly date: string; readonly time: string; readonly day: string } {
  const iso = new Date(at.getTime() + COMMUNE_UTC_OFFSET_MS).toISOString();
  return {
    date: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`,
    time: iso.slice(11, 16),
    day: iso.slice(0, 10),
  };
}
