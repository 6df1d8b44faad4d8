/**
 * @module core/stores/communes
 *
 * The `communes` rows themselves: which communes an install serves and the
 * name each was given (`cli commune add`, issue 20 item 3). Every other table
 * refers to a row here, so a commune exists once its row does.
 */
import type { MaybePromise } from '../ports.js';
import type { KnownCommune } from './province.js';

export interface CommuneRegistry {
  /** Adds the row; false when a commune already has this id (its row is left as it was). */
  add(id: string, name: string): MaybePromise<boolean>;
  get(id: string): MaybePromise<KnownCommune | undefined>;
  /** Every row, by id. */
  list(): MaybePromise<KnownCommune[]>;
}
