/**
 * @module rag/rrf
 *
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): each ranking
 * gives an item `1 / (k + rank)`, and the sums decide the fused order. It uses
 * ranks only, so a bm25-plus-coverage score and a cosine similarity, which
 * live on unrelated scales, can be combined without calibrating either; k = 60
 * (the paper's value) keeps one ranker's top item from outweighing two rankers
 * that both put an item near the top.
 */

export const RRF_K = 60;

export interface FusedItem {
  readonly id: string;
  /** Sum of `1 / (k + rank)` over the rankings that list the item (rank from 1). */
  readonly score: number;
  /** Best (smallest) rank of the item in any ranking, from 1. */
  readonly bestRank: number;
  /** Rank in each ranking, in the order the rankings were given; undefined where absent. */
  readonly ranks: readonly (number | undefined)[];
}

/** The highest score an item can reach: first in every ranking. Divide by it to get 0..1. */
export function maxRrfScore(rankings: number, k = RRF_K): number {
  return rankings / (k + 1);
}

/** Sums of the same terms added in another order may differ in the last bit: that is a tie. */
function byScore(a: number, b: number): number {
  return Math.abs(a - b) < 1e-12 ? 0 : b - a;
}

/**
 * Fuses rankings (ids best first) into one list, best first.
 *
 * Ties are broken by the best rank, then by the earlier ranking and position
 * where the item first appears: pass the ranking you trust most first. An id
 * repeated within one ranking counts at its first position only.
 */
export function reciprocalRankFusion(rankings: readonly (readonly string[])[], k = RRF_K): FusedItem[] {
  if (!(k >= 0)) throw new RangeError(`RRF k must be a non-negative number, got ${k}`);
  const items = new Map<string, { score: number; bestRank: number; ranks: (number | undefined)[]; seen: number }>();
  let order = 0;
  rankings.forEach((ranking, list) => {
    const counted = new Set<string>();
    ranking.forEach((id, i) => {
      if (counted.has(id)) return;
      counted.add(id);
      const rank = i + 1;
      let item = items.get(id);
      if (!item) {
        item = {
          score: 0,
          bestRank: rank,
          ranks: new Array<number | undefined>(rankings.length).fill(undefined),
          seen: order++,
        };
        items.set(id, item);
      }
      item.score += 1 / (k + rank);
      item.bestRank = Math.min(item.bestRank, rank);
      item.ranks[list] = rank;
    });
  });
  return [...items.entries()]
    .sort(([, a], [, b]) => byScore(a.score, b.score) || a.bestRank - b.bestRank || a.seen - b.seen)
    .map(([id, { score, bestRank, ranks }]) => ({ id, score, bestRank, ranks }));
}
