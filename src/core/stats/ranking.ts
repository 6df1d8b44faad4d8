/**
 * @module core/stats/ranking
 *
 * Orders hamlets for the emulation board. Only shares are compared, never raw
 * counts: a big hamlet would otherwise always win. A hamlet whose population
 * staff have not entered cannot be compared, so it is listed after the ranked
 * ones with its count and no rank, rather than guessed or dropped. Equal
 * shares share a rank (1, 1, 3), compared exactly by cross-multiplying counts.
 */
import type { PopulationCount } from '../stores/reports.js';
import type { NamedItem } from '../registry/types.js';
import type { BoardRow, HamletCompletions, Ranking } from './types.js';

const collator = new Intl.Collator('vi', { numeric: true });

/** completed/population compared with other/population without rounding: negative when `a` is ahead. */
function compareShares(a: BoardRow, b: BoardRow): number {
  // Both populations are known and positive here.
  return b.completed * (a.population ?? 0) - a.completed * (b.population ?? 0);
}

/**
 * The board from the commune's hamlet list, the completions per hamlet and the
 * population staff entered (summed over the groups of each hamlet). Hamlets
 * found in counts or population but missing from the list are kept under their
 * id, so no completion silently disappears when the list is edited.
 */
export function rankHamlets(
  hamlets: readonly NamedItem[],
  completions: readonly HamletCompletions[],
  population: readonly PopulationCount[],
): Ranking {
  const completed = new Map<string, number>();
  let unknownHamlet = 0;
  for (const c of completions) {
    if (c.hamletId === null) unknownHamlet += c.completed;
    else completed.set(c.hamletId, (completed.get(c.hamletId) ?? 0) + c.completed);
  }
  const people = new Map<string, number>();
  for (const p of population) people.set(p.hamletId, (people.get(p.hamletId) ?? 0) + p.people);

  const names = new Map(hamlets.map((h) => [h.id, h.name]));
  for (const id of [...completed.keys(), ...people.keys()]) if (!names.has(id)) names.set(id, id);

  const rows: BoardRow[] = [...names].map(([hamletId, hamletName]) => {
    const count = completed.get(hamletId) ?? 0;
    const pop = people.get(hamletId) ?? null;
    return {
      rank: null,
      hamletId,
      hamletName,
      completed: count,
      population: pop,
      share: pop !== null && pop > 0 ? count / pop : null,
    };
  });

  const byName = (a: BoardRow, b: BoardRow): number => collator.compare(a.hamletName, b.hamletName);
  const comparable = rows.filter((r) => r.share !== null).sort((a, b) => compareShares(a, b) || byName(a, b));
  const unranked = rows.filter((r) => r.share === null).sort((a, b) => b.completed - a.completed || byName(a, b));

  const ranked: BoardRow[] = [];
  comparable.forEach((row, i) => {
    const before = ranked[i - 1];
    const previous = comparable[i - 1];
    const rank = before && previous && compareShares(previous, row) === 0 ? before.rank : i + 1;
    ranked.push({ ...row, rank });
  });
  return { rows: [...ranked, ...unranked], unknownHamlet };
}
