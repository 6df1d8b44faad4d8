/**
 * @module reports/denominators
 *
 * The population and VNeID-certified figures staff enter, summed for a
 * report. A sum is only given when every hamlet it covers has its figure: a
 * commune total over the hamlets that happen to be entered would make the
 * share look better than it is. While the commune lists no hamlets, whatever
 * was entered is summed (the entries cannot be checked against a list).
 */
import type { CertifiedCount, PopulationCount } from '../core/stores/reports.js';

const key = (hamletId: string, groupId: string): string => `${hamletId}\u0001${groupId}`;

export interface Sum {
  /** null when a hamlet's figure is missing, or nothing is entered at all. */
  readonly value: number | null;
  /** Hamlet × group pairs with no figure. */
  readonly missing: readonly { readonly hamletId: string; readonly groupId: string }[];
}

export class Denominators {
  private readonly people = new Map<string, number>();
  private readonly certified = new Map<string, number>();

  constructor(
    population: readonly PopulationCount[],
    certified: readonly CertifiedCount[],
    /** The listed hamlets; empty while commune.yaml lists none. */
    private readonly listed: readonly string[],
  ) {
    for (const p of population) this.people.set(key(p.hamletId, p.groupId), p.people);
    for (const c of certified) this.certified.set(c.hamletId, c.certified);
  }

  get anyPopulation(): boolean {
    return this.people.size > 0;
  }

  /** One hamlet and group, as entered. */
  cell(hamletId: string | null, groupId: string | null): number | null {
    if (hamletId === null || groupId === null) return null;
    return this.people.get(key(hamletId, groupId)) ?? null;
  }

  /** People of `groups` over `hamlets` (the listed ones when undefined). */
  population(hamlets: readonly string[] | undefined, groups: readonly string[]): Sum {
    const scope = hamlets ?? this.listed;
    if (scope.length === 0) {
      let total = 0;
      let found = false;
      for (const [k, v] of this.people) {
        if (groups.some((g) => k.endsWith(`\u0001${g}`))) {
          total += v;
          found = true;
        }
      }
      return { value: found ? total : null, missing: [] };
    }
    let total = 0;
    const missing: { hamletId: string; groupId: string }[] = [];
    for (const hamletId of scope) {
      for (const groupId of groups) {
        const v = this.people.get(key(hamletId, groupId));
        if (v === undefined) missing.push({ hamletId, groupId });
        else total += v;
      }
    }
    return { value: missing.length === 0 ? total : null, missing };
  }

  /** Certified adults over `hamlets` (the listed ones when undefined). */
  vneidCertified(hamlets: readonly string[] | undefined): number | null {
    const scope = hamlets ?? this.listed;
    if (scope.length === 0) {
      if (this.certified.size === 0) return null;
      return [...this.certified.values()].reduce((a, b) => a + b, 0);
    }
    let total = 0;
    for (const h of scope) {
      const v = this.certified.get(h);
      if (v === undefined) return null;
      total += v;
    }
    return total;
  }
}
