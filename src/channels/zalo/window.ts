/**
 * @module channels/zalo/window
 *
 * Whether a reply may go out now without costing the commune money. Since
 * 2026-01-01 consultation messages are free and unlimited within 48 hours of
 * the resident's last interaction; from then up to 7 days they are billed;
 * later they are refused (facts §6, MEDIUM). All three numbers are settings.
 * By default nothing billed is ever sent: the reply waits until the resident
 * writes again, which reopens the free window.
 */
import type { ResidentState } from './store.js';

export type WindowDecision = { readonly send: true } | { readonly send: false; readonly reason: string };

export interface WindowSettings {
  readonly freeWindowHours: number;
  readonly maxWindowDays: number;
  readonly allowBilled: boolean;
}

export type WindowPolicy = (resident: ResidentState | undefined, now: Date) => WindowDecision;

/** The OA's policy; `resident` undefined means we never saw them write, so Zalo decides. */
export function messagingWindow(s: WindowSettings): WindowPolicy {
  const free = s.freeWindowHours * 3_600_000;
  const max = s.maxWindowDays * 86_400_000;
  return (resident, now) => {
    if (resident?.inactive) return { send: false, reason: 'inactive' };
    const last = resident?.lastInteractionAt;
    if (!last) return { send: true };
    const age = now.getTime() - last.getTime();
    if (age <= free) return { send: true };
    if (s.allowBilled && age <= max) return { send: true };
    return { send: false, reason: age <= max ? 'outside free window' : 'outside messaging window' };
  };
}

/** The Bot Platform has no documented window: only residents known to be gone are skipped. */
export const alwaysOpen: WindowPolicy = (resident) =>
  resident?.inactive ? { send: false, reason: 'inactive' } : { send: true };
