/**
 * A running server and a knowledge document added while it runs: whether the
 * server ingests it itself or staff run `cli ingest` in another process on
 * the same database, the next answer cites the document by its title, not by
 * its path, without a restart.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { createServices, INDEX_GENERATION, type Services } from '../../src/services.js';
import { fixedClock, memoryLogger, tempDir, testConfig, writeTree } from '../helpers.js';

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
  let services: Services;
  let server: RunningServer;
  const config = () =>
    testConfig({ DATABASE_PATH: join(tmp.dir, 'db', 'hocvuso.db'), KNOWLEDGE_DIR: join(tmp.dir, 'knowledge') });

  beforeEach(async () => {
    tmp = tempDir('hocvuso-live-');
    knowledge = join(tmp.dir, 'knowledge');
    writeTree(knowledge, FIRST);
    services = createServices(config(), memoryLogger().logger, { clock: fixedClock() });
    await services.ingest();
    server = await startServer(services, memoryLogger().logger);
  });

  afterEach(async () => {
    await server.stop();
    services.close();
    tmp.cleanup();
  });

  async function chat(text: string): Promise<ChatReply[]> {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/chat`, {
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
    // What `npm run -s cli -- ingest` does: its own services, its own connection to the same file.
    const cli = createServices(config(), memoryLogger().logger, { clock: fixedClock() });
    try {
      const report = await cli.ingest();
      expect(report.added).toEqual(['wifi-nha-van-hoa.md']);
    } finally {
      cli.close();
    }
    const [reply] = await chat(QUESTION);
    expect(reply?.sources).toEqual([{ title: TITLE, ref: 'wifi-nha-van-hoa.md' }]);
    expect(reply?.text).toContain(`Nguồn: ${TITLE}`);
    expect((await services.engine.ask(QUESTION)).sources[0]).toMatchObject({ title: TITLE });
  });

  it('does not rebuild anything when an ingestion changed nothing', async () => {
    const before = services.index.getMeta(INDEX_GENERATION);
    const cli = createServices(config(), memoryLogger().logger, { clock: fixedClock() });
    try {
      expect((await cli.ingest()).unchanged).toBe(1);
    } finally {
      cli.close();
    }
    expect(services.index.getMeta(INDEX_GENERATION)).toBe(before);
  });
});
