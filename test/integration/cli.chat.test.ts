/**
 * `cli chat` in a child process, on the run's database (a SQLite file, or a
 * commune of PostgreSQL named by DATABASE_URL and COMMUNE_ID): the welcome
 * menu, a typed number picking a button as on Zalo, a question answered from
 * the commune's knowledge, "thoát" to end. The conversation stays in memory:
 * trying the bot leaves no conversation row, only the index it answered from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRunResult } from '../helpers.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../testRepos.js';

/** The command indexes the whole knowledge base before its first reply (about 10 s on a quiet machine). */
const SLOW_MS = 90_000;

describe('cli chat (child process)', () => {
  let repos: TestReposDb;
  let commune: TestRepos;
  let run: CliRunResult;

  beforeAll(async () => {
    repos = await openTestRepos();
    commune = await repos.fresh();
    run = await runCli(['chat'], { ...commune.env, LOG_LEVEL: 'warn' }, '1\nVNeID là gì?\nthoát\n', SLOW_MS);
  }, 2 * SLOW_MS);

  afterAll(async () => {
    await repos?.close();
  });

  it('shows the menu with numbers, picks a button by its number, answers a question and ends on "thoát"', () => {
    expect(run.code, run.stderr).toBe(0);
    const turns = run.stdout.split('\n> ');
    // The welcome, then one reply per line typed before "thoát", each followed by the prompt; none for "thoát".
    expect(turns).toHaveLength(4);
    expect(turns[3]).not.toMatch(/^ {2}1\. /m);
    const [welcome = '', picked = '', answered = ''] = turns;
    expect(welcome).toContain('(Gõ "thoát" hoặc Ctrl+D để kết thúc.)');
    const first = /^ {2}1\. (.+)$/m.exec(welcome)?.[1];
    expect(first).toBe('Làm bài kiểm tra');
    // "1" picked the first button: the quizzes on offer, numbered in turn.
    expect(picked).toContain('bài kiểm tra');
    expect(/^ {2}1\. (.+)$/m.exec(picked)?.[1]).toBe('VNeID cơ bản');
    expect(answered).toContain('VNeID');
    expect(answered).toContain('Nguồn');
  });

  it('keeps the conversation in memory: no conversation row, the knowledge indexed', async () => {
    expect(await commune.tables.rows('conversation_state')).toEqual([]);
    expect((await commune.tables.rows('documents')).length).toBeGreaterThan(0);
  });
});
