/**
 * @module core/stores/consoleFaq
 *
 * FAQ entries written by staff in the console, kept as revisions: every
 * approval is a new revision saying who, when, why and on what source; the
 * live version of an entry is its newest revision still `active`; a revert
 * marks that revision `reverted` (with who, when, why), so the one before it
 * is live again and nothing is ever deleted. What the bot uses is built from
 * the live revisions (rag/consoleFaq.ts).
 *
 * SQLite (storage/sqlite/consoleFaqRepo) answers synchronously, PostgreSQL
 * (storage/pg/pgConsoleFaqRepo) with promises; callers await.
 */
import type { MaybePromise } from '../ports.js';

/** Where an answer comes from: a knowledge document, an official page, or a commune decision. */
export type ConsoleSource =
  | { readonly kind: 'doc'; readonly ref: string }
  | { readonly kind: 'url'; readonly url: string; readonly title?: string }
  | { readonly kind: 'decision'; readonly title: string; readonly signer: string; readonly date: string }
  /** The entry only adds ways to ask an entry of the knowledge folder, which keeps its own answer and source. */
  | { readonly kind: 'base' };

export interface ConsoleRevision {
  readonly entryId: string;
  readonly baseFaqId: string | null;
  readonly revision: number;
  readonly question: string;
  readonly variants: readonly string[];
  readonly answer: string;
  readonly source: ConsoleSource;
  readonly authorId: string;
  readonly createdAt: string;
  readonly reason: string;
  readonly groupId: string | null;
  readonly status: 'active' | 'reverted';
  readonly revertedBy: string | null;
  readonly revertedAt: string | null;
  readonly revertReason: string | null;
}

export interface NewRevision {
  readonly question: string;
  readonly variants: readonly string[];
  readonly answer: string;
  readonly source: ConsoleSource;
  readonly authorId: string;
  readonly at: Date;
  readonly reason: string;
  readonly groupId?: string;
}

/** Prefix of console entry ids; `_` cannot occur in a knowledge-file FAQ id, so the two never collide. */
export const CONSOLE_ID_PREFIX = 'console_';

export interface ConsoleFaqStore {
  /** Creates an entry with its first revision; returns the new entry id. */
  create(first: NewRevision, baseFaqId?: string): MaybePromise<string>;
  exists(id: string): MaybePromise<boolean>;
  /** Every console entry id, oldest first. */
  allIds(): MaybePromise<string[]>;
  /** The console entry adding ways to ask a knowledge FAQ entry, if one exists. */
  overlayOf(baseFaqId: string): MaybePromise<string | undefined>;
  /** Adds a revision to an existing entry; returns its number. */
  revise(entryId: string, next: NewRevision): MaybePromise<number>;
  /** Every revision of an entry, newest first. */
  revisions(entryId: string): MaybePromise<ConsoleRevision[]>;
  /** The live revision of an entry: its newest one still active. */
  live(entryId: string): MaybePromise<ConsoleRevision | undefined>;
  /** The live revision of every entry that has one, by entry id. */
  allLive(): MaybePromise<ConsoleRevision[]>;
  /** Marks the live revision reverted; returns it, or undefined when the entry has none left. */
  revert(entryId: string, by: string, at: Date, reason: string): MaybePromise<ConsoleRevision | undefined>;
}
