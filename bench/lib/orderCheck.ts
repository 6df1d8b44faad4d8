/**
 * Whether each resident's replies reached the channel's API complete, once
 * each and in order (issue 20's bench:scale). A resident's journey is a run
 * of numbered steps — the quiz's "Câu k/N" questions, then its result as step
 * N + 1 — and the bench records the step of every message the fake Telegram
 * and Zalo APIs (and the web's answers) received for that resident, in the
 * order they arrived. A step that never arrived is missing; one that arrived
 * twice is duplicated; one that arrived after a later step is out of order.
 */

export interface OrderReport {
  readonly residents: number;
  /** Residents whose steps arrived exactly 1..N, once each, in order. */
  readonly inOrder: number;
  readonly missing: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  /** A few residents with a problem and what arrived for them, for the reader. */
  readonly examples: readonly string[];
}

/**
 * `received`: per resident, the steps in arrival order; `expected`: per
 * resident, how many steps it should have got (1..N). A resident absent from
 * `received` got nothing.
 */
export function checkOrder(
  received: ReadonlyMap<string, readonly number[]>,
  expected: ReadonlyMap<string, number>,
): OrderReport {
  let inOrder = 0;
  let missing = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  const examples: string[] = [];
  for (const [who, n] of expected) {
    const got = received.get(who) ?? [];
    const seen = new Set<number>();
    let dup = 0;
    let late = 0;
    let highest = 0;
    for (const step of got) {
      if (seen.has(step)) dup++;
      else if (step < highest) late++;
      seen.add(step);
      highest = Math.max(highest, step);
    }
    let lost = 0;
    for (let k = 1; k <= n; k++) if (!seen.has(k)) lost++;
    missing += lost;
    duplicated += dup;
    outOfOrder += late;
    if (lost + dup + late === 0) inOrder++;
    else if (examples.length < 5) examples.push(`${who}: expected 1..${n}, got [${got.join(', ')}]`);
  }
  return { residents: expected.size, inOrder, missing, duplicated, outOfOrder, examples };
}
