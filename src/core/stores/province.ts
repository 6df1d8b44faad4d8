/**
 * @module core/stores/province
 *
 * Which communes an install knows, for the province's side-by-side view:
 * the install's own commune always, and any other commune with something to
 * show (settings saved in a console, residents, population entered). A
 * commune that is only a row in `communes` with nothing behind it would be a
 * line of zeros that says nothing.
 */

import type { MaybePromise } from '../ports.js';

export interface KnownCommune {
  readonly id: string;
  /** The name stored with the commune (the install's own takes commune.yaml's name instead). */
  readonly name: string;
}

export interface ProvinceSource {
  /** Every known commune, in no particular order (the view sorts by name). */
  communes(): MaybePromise<KnownCommune[]>;
}
