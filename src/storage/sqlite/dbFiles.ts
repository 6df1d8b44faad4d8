/**
 * @module storage/sqlite/dbFiles
 *
 * Checks the database file's place on disk before SQLite touches it, so a
 * wrong or unusable DATABASE_PATH stops start-up at once with a sentence that
 * says what is wrong, instead of failing later in ways that explain nothing:
 *
 *  - Node's `mkdirSync(dir, { recursive: true })` loops forever, at full CPU,
 *    when a folder cannot be created under a pseudo file system (measured
 *    with `/proc/1/nope/x.db`), so folders are created one level at a time;
 *  - SQLite opens a file it cannot write read-only, without a word, and
 *    fails only at the first write;
 *  - with the `-shm` file unwritable, the process died on SIGBUS with no log
 *    line at all.
 *
 * Root passes every permission check (as it passes SQLite's), except on a
 * read-only file system, which `access` reports to root too.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorCode, fileProblem } from '../../fsErrors.js';

/** Raised when the database path cannot be used; `problem` is a Vietnamese sentence for staff. */
export class DatabasePathError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`Không dùng được cơ sở dữ liệu "${path}": ${problem}`);
    this.name = 'DatabasePathError';
  }
}

/** The nearest folder above `dir` that exists, and the missing ones below it, top first. */
function missingFolders(path: string, dir: string): string[] {
  const missing: string[] = [];
  for (let current = dir; ;) {
    try {
      if (!statSync(current).isDirectory()) {
        throw new DatabasePathError(path, `"${current}" là một tệp, không phải thư mục`);
      }
      return missing;
    } catch (err) {
      if (err instanceof DatabasePathError) throw err;
      const code = errorCode(err);
      const parent = dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) {
        throw new DatabasePathError(path, `không đọc được thư mục "${current}": ${fileProblem(err, 'đọc')}`);
      }
      missing.unshift(current);
      current = parent;
    }
  }
}

/** Creates the folder of the database one level at a time (see the module note on why not recursively). */
function ensureFolder(path: string, dir: string): void {
  for (const folder of missingFolders(path, dir)) {
    try {
      mkdirSync(folder);
    } catch (err) {
      if (errorCode(err) === 'EEXIST' && statSync(folder).isDirectory()) continue;
      throw new DatabasePathError(path, `không tạo được thư mục "${folder}": ${fileProblem(err)}`);
    }
  }
}

function mustWrite(path: string, target: string, what: string, mode: number): void {
  try {
    accessSync(target, mode);
  } catch (err) {
    throw new DatabasePathError(path, `${what} "${target}" ${fileProblem(err)}`);
  }
}

/**
 * Makes sure the database can live at `path`: its folder exists (created if
 * needed) and can be written, and the file and its `-wal` and `-shm`
 * companions, where they exist, are files that can be read and written.
 * Throws a DatabasePathError naming the first problem.
 */
export function prepareDatabaseFiles(path: string): void {
  const file = resolve(path);
  const dir = dirname(file);
  ensureFolder(path, dir);
  // SQLite creates the -wal and -shm files beside the database, so the folder must take new files.
  mustWrite(path, dir, 'thư mục', constants.W_OK | constants.X_OK);
  for (const [target, what] of [
    [file, 'tệp cơ sở dữ liệu'],
    [`${file}-wal`, 'tệp nhật ký (WAL)'],
    [`${file}-shm`, 'tệp bộ nhớ chung (SHM)'],
  ] as const) {
    let isFile: boolean;
    try {
      isFile = statSync(target).isFile();
    } catch {
      continue; // not there yet: SQLite creates it
    }
    if (!isFile) throw new DatabasePathError(path, `${what} "${target}" không phải là một tệp thường`);
    mustWrite(path, target, what, constants.R_OK | constants.W_OK);
  }
}
