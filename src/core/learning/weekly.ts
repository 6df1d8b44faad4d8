/**
 * @module core/learning/weekly
 *
 * The learning loop's weekly figures, from daily counts and the groups staff
 * answered: what share of questions the assistant left unanswered, what share
 * staff-approved entries answered, and how many days residents waited from
 * the first time a question was asked to the day it was answered (median).
 * Weeks run Monday to Sunday in the commune's calendar (UTC+7); pure, so the
 * week boundaries are tested without a clock.
 */
import { communeDayOf, mondayOf } from '../communeTime.js';

export interface DayCounts {
  /** YYYY-MM-DD, commune calendar. */
  readonly day: string;
  readonly asked: number;
  readonly unanswered: number;
  readonly byConsole: number;
}

export interface AnsweredGroup {
  readonly firstAskedAt: string;
  readonly decidedAt: string;
}

export interface WeekFigures {
  /** Monday of the week, YYYY-MM-DD. */
  readonly weekStart: string;
  readonly asked: number;
  readonly unanswered: number;
  readonly byConsole: number;
  /** 0..1, or null for a week with no question. */
  readonly shareUnanswered: number | null;
  readonly shareByConsole: number | null;
  readonly groupsAnswered: number;
  /** Median days from first ask to answer of the groups answered that week, or null when none was. */
  readonly medianDaysToAnswer: number | null;
}

const DAY_MS = 86_400_000;
function addDays(day: string, n: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const v = s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return Math.round(v * 10) / 10;
}

/** The first day of the oldest of `weeks` weeks ending with the week of `now`. */
export function firstDayOf(now: Date, weeks: number): string {
  return addDays(mondayOf(communeDayOf(now)), -7 * (weeks - 1));
}

/** Figures for the `weeks` weeks ending with the week of `now`, oldest first. */
export function weeklyFigures(
  days: readonly DayCounts[],
  answered: readonly AnsweredGroup[],
  now: Date,
  weeks: number,
): WeekFigures[] {
  const first = firstDayOf(now, weeks);
  const out: WeekFigures[] = [];
  for (let w = 0; w < weeks; w++) {
    const start = addDays(first, 7 * w);
    const end = addDays(start, 7);
    const inWeek = days.filter((d) => d.day >= start && d.day < end);
    const asked = inWeek.reduce((n, d) => n + d.asked, 0);
    const unanswered = inWeek.reduce((n, d) => n + d.unanswered, 0);
    const byConsole = inWeek.reduce((n, d) => n + d.byConsole, 0);
    const waits = answered
      .filter((g) => {
        const day = communeDayOf(new Date(g.decidedAt));
        return day >= start && day < end;
      })
      .map((g) => Math.max(0, (Date.parse(g.decidedAt) - Date.parse(g.firstAskedAt)) / DAY_MS));
    out.push({
      weekStart: start,
      asked,
      unanswered,
      byConsole,
      shareUnanswered: asked > 0 ? unanswered / asked : null,
      shareByConsole: asked > 0 ? byConsole / asked : null,
      groupsAnswered: waits.length,
      medianDaysToAnswer: median(waits),
    });
  }
  return out;
}
