/**
 * @module core/stats/bounds
 *
 * "Today" and "this week" as the commune lives them: Asia/Ho_Chi_Minh, which
 * keeps UTC+7 all year (no daylight saving), with weeks starting on Monday as
 * in the staff reports. Pure, from an injected clock's instant.
 */
import { COMMUNE_UTC_OFFSET_MS as OFFSET_MS } from '../communeTime.js';
import type { TallyBounds } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC instants at which the local day and the local (Monday) week began. */
export function localBounds(now: Date): TallyBounds {
  const local = now.getTime() + OFFSET_MS;
  const dayStartLocal = Math.floor(local / DAY_MS) * DAY_MS;
  const weekday = new Date(dayStartLocal).getUTCDay(); // 0 = Sunday, in local wall time
  const weekStartLocal = dayStartLocal - ((weekday + 6) % 7) * DAY_MS;
  return {
    dayStart: new Date(dayStartLocal - OFFSET_MS).toISOString(),
    weekStart: new Date(weekStartLocal - OFFSET_MS).toISOString(),
  };
}
