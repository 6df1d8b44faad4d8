/**
 * @module rag/consoleFaq
 *
 * Turns the live revisions of the console's FAQ entries into what the bot
 * searches, the same way ingestion turns a FAQ file into it: one owner
 * document (`@console/faq`) holding the entries and their passages, and, for
 * an answer backed by an official page or a commune decision rather than a
 * knowledge document, one small source document per entry
 * (`@console/source/<id>`) whose title and address the answer cites.
 * Entries that only add ways to ask a knowledge-folder entry become
 * `faq_extra_variants`. Refs under `@console/` have no file extension, so no
 * file of the knowledge folder can ever have one: ingestion leaves them alone.
 */
import type { FaqEntry, MaybePromise } from '../core/ports.js';
import type { ConsoleRevision, ConsoleSource } from '../core/stores/consoleFaq.js';
import { indexText } from '../core/text/normalize.js';
import type { SqliteConsoleFaqRepo } from '../storage/sqlite/consoleFaqRepo.js';
import type { IndexedFile, SqliteKnowledgeIndex } from '../storage/sqlite/knowledgeIndex.js';

export const CONSOLE_OWNER_REF = '@console/faq';
const SOURCE_PREFIX = '@console/source/';

/** True for the documents the console owns (never a file of the knowledge folder). */
export function isConsoleRef(ref: string): boolean {
  return ref.startsWith('@console/') && !/\.[a-z0-9]+$/i.test(ref);
}

/** A date as staff and residents read it (dd/mm/yyyy) from YYYY-MM-DD. */
export function vietnameseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** The title an answer cites for a source that is not a knowledge document. */
export function sourceTitle(source: ConsoleSource): string {
  if (source.kind === 'url') return source.title?.trim() || new URL(source.url).hostname;
  if (source.kind === 'decision') return `${source.title} (${source.signer} ký ngày ${vietnameseDate(source.date)})`;
  return '';
}

function sourceRefOf(r: ConsoleRevision): string {
  return r.source.kind === 'doc' ? r.source.ref : `${SOURCE_PREFIX}${r.entryId}`;
}

/** Builds the console's index files from the live revisions. */
export function consoleFiles(live: readonly ConsoleRevision[]): {
  files: IndexedFile[];
  extraVariants: Map<string, string[]>;
} {
  const entries: FaqEntry[] = [];
  const files: IndexedFile[] = [];
  const extraVariants = new Map<string, string[]>();
  for (const r of live) {
    if (r.baseFaqId !== null) {
      const list = extraVariants.get(r.baseFaqId) ?? [];
      for (const v of [r.question, ...r.variants]) if (v && !list.includes(v)) list.push(v);
      extraVariants.set(r.baseFaqId, list);
      continue;
    }
    const sourceRef = sourceRefOf(r);
    entries.push({ id: r.entryId, question: r.question, variants: r.variants, answer: r.answer, sourceRef });
    if (r.source.kind === 'url' || r.source.kind === 'decision') {
      files.push({
        ref: sourceRef,
        kind: 'doc',
        title: sourceTitle(r.source),
        ...(r.source.kind === 'url' && { url: r.source.url }),
        hash: `${r.entryId}#${r.revision}`,
        meta: { console: true, sourceKind: r.source.kind },
        passages: [],
      });
    }
  }
  if (entries.length > 0) {
    files.push({
      ref: CONSOLE_OWNER_REF,
      kind: 'faq',
      title: CONSOLE_OWNER_REF,
      hash: entries.map((e) => e.id).join(','),
      meta: { console: true },
      passages: entries.map((e) => ({
        docRef: e.sourceRef,
        heading: e.question,
        text: e.answer,
        titleTokens: indexText(e.question),
        headingTokens: indexText(e.variants.join(' . ')),
        bodyTokens: indexText(e.answer),
      })),
      faqEntries: entries,
    });
  }
  return { files, extraVariants };
}

/** What publishing reads: the live revisions (SQLite's or PostgreSQL's console FAQ store). */
export interface LiveConsoleEntries {
  allLive(): MaybePromise<ConsoleRevision[]>;
}

/**
 * Where the ways to ask added to knowledge entries go: the table the index
 * reads them from, in the index's own database, written in one transaction
 * with the index (a SqliteConsoleFaqRepo over the index's database).
 */
export interface ExtraVariantsTable {
  atomically(fn: () => void): void;
  replaceExtraVariants(byFaqId: ReadonlyMap<string, readonly string[]>): void;
}

/** Rebuilds what the bot searches from the console's live entries (one transaction), all on SQLite. */
export function publishConsoleFaq(index: SqliteKnowledgeIndex, repo: SqliteConsoleFaqRepo, at: Date): void {
  repo.atomically(() => writeConsoleFaq(index, repo, repo.allLive(), at));
}

/**
 * Writes the live revisions into a SQLite index and its extra ways to ask in
 * one SQLite transaction: `consolePublisher`'s write step when the entries
 * are kept elsewhere (PostgreSQL). A revision approved between the read and
 * this write is published by the next call (every approval and revert calls it).
 */
export function sqliteConsoleWrite(
  index: SqliteKnowledgeIndex,
  extras: ExtraVariantsTable,
): (live: readonly ConsoleRevision[], at: Date) => void {
  return (live, at) => extras.atomically(() => writeConsoleFaq(index, extras, live, at));
}

function writeConsoleFaq(
  index: SqliteKnowledgeIndex,
  extras: ExtraVariantsTable,
  live: readonly ConsoleRevision[],
  at: Date,
): void {
  const { files, extraVariants } = consoleFiles(live);
  index.replaceOwned(isConsoleRef, files, at);
  extras.replaceExtraVariants(extraVariants);
}

/**
 * Publishing for a running service: reads the live revisions, then `write`s
 * them where the bot searches (sqliteConsoleWrite; pgCommune.ts writes a
 * commune's PostgreSQL rows and reloads its index). Calls take turns, so a
 * publish that read the entries earlier never overwrites one that read them
 * later (two administrators approving at once). A failed call fails its
 * caller and does not stop the next.
 */
export function consolePublisher(
  entries: LiveConsoleEntries,
  write: (live: readonly ConsoleRevision[], at: Date) => MaybePromise<void>,
  now: () => Date,
): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const run = last.then(async () => write(await entries.allLive(), now()));
    last = run.catch(() => undefined);
    return run;
  };
}
