/**
 * The real command line in a child process, as scripts and the benchmark run
 * it: the public JSON of `ask`, JSON Lines from stdin, `ingest` and its exit
 * codes, and the messages for a bad environment or an unknown command. Every
 * spawn costs about a second, so they all start at once in beforeAll and the
 * tests only read their results. Each command runs on a commune of its own of
 * the run's database (test/testRepos.ts: a SQLite file, or a commune of one
 * PostgreSQL database named by DATABASE_URL).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree, type CliRunResult } from '../helpers.js';
import { openTestRepos, type TestReposDb } from '../testRepos.js';

interface AskJson {
  answer: string;
  sources: { title: string; ref: string; score: number }[];
  confident: boolean;
}

function expectAskShape(value: unknown): asserts value is AskJson {
  expect(value).toBeTypeOf('object');
  const obj = value as Record<string, unknown>;
  expect(Object.keys(obj).sort()).toEqual(['answer', 'confident', 'sources']);
  expect(typeof obj.answer).toBe('string');
  expect((obj.answer as string).trim()).not.toBe('');
  expect(typeof obj.confident).toBe('boolean');
  expect(Array.isArray(obj.sources)).toBe(true);
  const sources = obj.sources as Record<string, unknown>[];
  expect(sources.length).toBeGreaterThanOrEqual(1);
  expect(sources.length).toBeLessThanOrEqual(5);
  for (const s of sources) {
    expect(Object.keys(s).sort()).toEqual(['ref', 'score', 'title']);
    expect(typeof s.title).toBe('string');
    expect(typeof s.ref).toBe('string');
    expect(typeof s.score).toBe('number');
  }
  const scores = sources.map((s) => s.score as number);
  expect(scores.slice(1)).toEqual([...scores.slice(1)].sort((a, b) => b - a));
}

/**
 * How long a command that indexes the whole knowledge base may take when four
 * start at once: about 10 s each alone, on PostgreSQL as on SQLite, and they
 * share the machine's cores.
 */
const SLOW_MS = 90_000;

describe('cli (child process)', () => {
  let tmp: { dir: string; cleanup: () => void };
  let repos: TestReposDb;
  let askOne: CliRunResult;
  let askLines: CliRunResult;
  let ingestOk: CliRunResult;
  let ingestBad: CliRunResult;
  let badEnv: CliRunResult;
  let unknown: CliRunResult;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-cli-');
    repos = await openTestRepos();
    const db = async (): Promise<Readonly<Record<string, string>>> => (await repos.fresh()).env;
    const [ask, lines, ingest, bad, env, unknownDb] = [
      await db(),
      await db(),
      await db(),
      await db(),
      await db(),
      await db(),
    ];
    const badKnowledge = join(tmp.dir, 'knowledge-bad');
    writeTree(badKnowledge, {
      'tot.md': '# Bưu điện văn hóa xã\n\nBưu điện văn hóa xã mở cửa từ 7 giờ sáng.\n',
      'hong-front-matter.md': '---\ntitle: [chưa đóng\n---\n\nNội dung.\n',
    });
    [askOne, askLines, ingestOk, ingestBad, badEnv, unknown] = await Promise.all([
      runCli(['ask', '--json', 'VNeID là gì?'], ask, '', SLOW_MS),
      runCli(['ask', '--json'], lines, 'VNeID là gì?\n\ndang ky dinh danh muc 2 o dau\n', SLOW_MS),
      runCli(['ingest'], ingest, '', SLOW_MS),
      runCli(['ingest'], { ...bad, KNOWLEDGE_DIR: badKnowledge }, '', SLOW_MS),
      runCli(['ingest'], { ...env, PORT: 'abc' }),
      runCli(['frobnicate'], unknownDb),
    ]);
  }, 2 * SLOW_MS);

  afterAll(async () => {
    await repos?.close();
    tmp?.cleanup();
  });

  it('ask --json "question" prints exactly one JSON object of the public shape', () => {
    expect(askOne.code, askOne.stderr).toBe(0);
    const lines = askOne.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(askOne.stdout.endsWith('\n')).toBe(true);
    const parsed: unknown = JSON.parse(lines[0]!);
    expectAskShape(parsed);
    expect(parsed.confident).toBe(true);
    expect(parsed.answer).toContain('VNeID');
    expect(parsed.sources[0]?.ref).toBe('vneid/gioi-thieu-vneid.md');
  });

  it('ask --json with questions on stdin prints one JSON line per question (blank lines skipped)', () => {
    expect(askLines.code, askLines.stderr).toBe(0);
    const lines = askLines.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l): unknown => JSON.parse(l));
    expectAskShape(first);
    expectAskShape(second);
    expect(first.sources[0]?.ref).toBe('vneid/gioi-thieu-vneid.md');
    expect(second.sources.slice(0, 3).map((s) => s.ref)).toContain('vneid/muc-dinh-danh.md');
  });

  it('ingest prints a summary and exits 0', () => {
    expect(ingestOk.code, ingestOk.stderr).toBe(0);
    expect(ingestOk.stdout).toContain('Knowledge folder: knowledge');
    expect(ingestOk.stdout).toContain('  + vneid/muc-dinh-danh.md');
    expect(ingestOk.stdout).not.toContain('quizzes/');
    expect(ingestOk.stdout).toMatch(/Added [1-9]\d*, updated 0, removed 0, unchanged 0, skipped 0; [1-9]\d* passages/);
  });

  it('ingest exits 1 naming a malformed file and its reason, and indexes the rest', () => {
    expect(ingestBad.code).toBe(1);
    expect(ingestBad.stdout).toMatch(/! hong-front-matter\.md: front matter is not valid YAML/);
    expect(ingestBad.stdout).toContain('  + tot.md');
    expect(ingestBad.stdout).toMatch(/Added 1, .* skipped 1;/);
  });

  it('exits 2 with a message naming PORT for an invalid environment', () => {
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/PORT/);
    expect(badEnv.stderr).toContain('"abc"');
    expect(badEnv.stdout).toBe('');
  });

  it('exits 1 with the usage for an unknown command', () => {
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    expect(unknown.stderr).toContain('Usage:');
    expect(unknown.stderr).toContain('ask [--json]');
  });
});
