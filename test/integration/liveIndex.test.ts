/**
 * A running server and a knowledge document added while it runs: whether the
 * server ingests it itself or staff run `cli ingest` in another process on
 * the same database, the next answer cites the document by its title, not by
 * its path, without a restart. On the run's database: SQLite (every turn
 * looks for a newer index) or PostgreSQL (the process's round that looks for
 * other processes' changes, `lookForChanges`).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INDEX_GENERATION } from '../../src/services.js';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

const FIRST = { 'buu-dien.md': '# Bưu điện văn hóa xã\n\nBưu điện văn hóa xã có máy tính cho bà con tra cứu.\n' };
const NEW_DOC = {
  'wifi-nha-van-hoa.md': [
    '---',
    'title: Wifi miễn phí ở nhà văn hóa xóm',
    '---',
    '',
    'Kết nối wifi miễn phí tại nhà văn hóa xóm: chọn mạng HungChau-Free rồi đồng ý điều khoản.',
    '',
  ].join('\n'),
};
const QUESTION = 'wifi miễn phí ở nhà văn hóa xóm';
const TITLE = 'Wifi miễn phí ở nhà văn hóa xóm';

interface ChatReply {
  readonly text: string;
  readonly sources?: { title: string; ref: string }[];
}

describe('a document added while the server runs', () => {
  let tmp: { dir: string; cleanup: () => void };
  let knowledge: string;
  let services: TestService;

  beforeEach(async () => {
    tmp = tempDir('hocvuso-live-');
    knowledge = join(tmp.dir, 'knowledge');
    writeTree(knowledge, FIRST);
    // The server of `npm start` on the run's database, its knowledge folder indexed as it starts.
    services = await testService({ env: { KNOWLEDGE_DIR: knowledge } });
  });

  afterEach(async () => {
    await services.close();
    tmp.cleanup();
  });

  /**
   * What `npm run -s cli -- ingest` does: another process, its own connection
   * to the service's database (the file, or the commune of DATABASE_URL).
   */
  async function cliIngest(): Promise<string> {
    const { config } = services;
    const database: Record<string, string> =
      config.DATABASE_URL !== undefined
        ? { DATABASE_URL: config.DATABASE_URL, COMMUNE_ID: config.COMMUNE_ID }
        : { DATABASE_PATH: config.DATABASE_PATH };
    const run = await runCli(['ingest'], { ...database, KNOWLEDGE_DIR: knowledge, LOG_LEVEL: 'warn' });
    expect(run.code, run.stderr).toBe(0);
    return run.stdout;
  }

  /** The index's generation as stored: every process compares it with the one it loaded. */
  async function generation(): Promise<unknown> {
    return (await services.committed.rows('meta')).find((r) => r.key === INDEX_GENERATION)?.value;
  }

  async function chat(text: string): Promise<ChatReply[]> {
    const res = await services.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'live-test', text }),
    });
    return ((await res.json()) as { replies: ChatReply[] }).replies;
  }

  it('is cited by its title after the server ingests it', async () => {
    writeTree(knowledge, NEW_DOC);
    await services.ingest();
    expect((await services.engine.ask(QUESTION)).sources[0]).toMatchObject({
      ref: 'wifi-nha-van-hoa.md',
      title: TITLE,
    });
    expect((await chat(QUESTION))[0]?.sources).toEqual([{ title: TITLE, ref: 'wifi-nha-van-hoa.md' }]);
  });

  it('is cited by its title after `cli ingest` indexed it from another process', async () => {
    expect((await services.engine.ask(QUESTION)).sources.map((s) => s.ref)).not.toContain('wifi-nha-van-hoa.md');
    writeTree(knowledge, NEW_DOC);
    const report = await cliIngest();
    expect(report).toContain('  + wifi-nha-van-hoa.md');
    expect(report).toMatch(/Added 1, updated 0, removed 0, unchanged 1,/);
    await services.lookForChanges();
    const [reply] = await chat(QUESTION);
    expect(reply?.sources).toEqual([{ title: TITLE, ref: 'wifi-nha-van-hoa.md' }]);
    expect(reply?.text).toContain(`Nguồn: ${TITLE}`);
    expect((await services.engine.ask(QUESTION)).sources[0]).toMatchObject({ title: TITLE });
  });

  it('does not rebuild anything when an ingestion changed nothing', async () => {
    const before = await generation();
    expect(before).toBeDefined();
    expect(await cliIngest()).toMatch(/Added 0, updated 0, removed 0, unchanged 1,/);
    expect(await generation()).toBe(before);
  });
});
