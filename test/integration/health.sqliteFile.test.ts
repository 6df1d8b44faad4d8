/**
 * `GET /healthz` on the real listener over a real SQLite file tells the
 * truth about the file. Before, it ran `SELECT 1` and kept answering 200
 * after the data folder was deleted or the file replaced, while every pass
 * "recorded" from then on was lost at the next restart. (What /healthz
 * answers on either database: health.server.test.ts.)
 */
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Services } from '../../src/services.js';
import { memoryLogger, readyServices, tempDir } from '../helpers.js';

interface Health {
  status: string;
  database: boolean;
  reason?: string;
  message?: string;
}

async function health(port: number): Promise<{ status: number; body: Health }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

describe('/healthz on a real server', () => {
  let tmp: { dir: string; cleanup: () => void } | undefined;
  let services: Services | undefined;
  let server: RunningServer | undefined;
  let log: ReturnType<typeof memoryLogger>;

  /** A server over `<tmp>/data/hocvuso.db`, answering every probe afresh. */
  async function start(): Promise<{ port: number; dataDir: string; dbPath: string }> {
    tmp = tempDir('hocvuso-health-');
    const dataDir = join(tmp.dir, 'data');
    const dbPath = join(dataDir, 'hocvuso.db');
    services = await readyServices({ DATABASE_PATH: dbPath });
    log = memoryLogger();
    server = await startServer(services, log.logger, [], { healthReuseMs: 0 });
    return { port: server.port, dataDir, dbPath };
  }

  /** The log lines that mention `text`. */
  const logged = (text: string) => log.lines.filter((l) => l.includes(text));

  afterEach(async () => {
    await server?.stop();
    services?.close();
    tmp?.cleanup();
    server = undefined;
    services = undefined;
    tmp = undefined;
  });

  it('answers 503 once the data folder is deleted, and logs it once however often it is probed', async () => {
    const { port, dataDir, dbPath } = await start();
    expect((await health(port)).status).toBe(200);
    rmSync(dataDir, { recursive: true, force: true });
    for (let i = 0; i < 3; i++) {
      const { status, body } = await health(port);
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'unavailable', database: false, reason: 'database_missing' });
      expect(body.message).toContain(dbPath);
    }
    expect(logged('database_missing')).toHaveLength(1);
  });

  it('answers 503 when the file is replaced by another one (a restore copied over it)', async () => {
    const { port, dbPath } = await start();
    expect((await health(port)).status).toBe(200);
    copyFileSync(dbPath, `${dbPath}.restored`);
    renameSync(`${dbPath}.restored`, dbPath);
    const { status, body } = await health(port);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', database: false, reason: 'database_replaced' });
    expect(logged('database_replaced')).toHaveLength(1);
  });
});
