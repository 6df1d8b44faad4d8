/**
 * A commune added while the service runs (`cli commune add` on any machine)
 * is opened and served by the running process within one look
 * (pgRun.ts watchNewCommunes), without a restart: its page and chat at
 * /x/<id>/, its turns in its own rows. Before that, its address is a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { runPgService } from '../../src/pgRun.js';
import type { RunningService } from '../../src/run.js';
import { PgCommuneRegistry } from '../../src/storage/pg/pgCommuneRegistry.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { memoryLogger, testConfig } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const HOME = 'hung-chau';
const NEW = 'xa-moi';

describe('a commune added while the service runs', () => {
  let t: TestDatabase;
  let pg: Kysely<Database>;
  let service: RunningService;
  const log = memoryLogger();
  const base = (): string => `http://127.0.0.1:${service.port}`;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<Database>(t.appUrl, 2);
    const config = testConfig({ DATABASE_URL: t.appUrl, COMMUNE_ID: HOME });
    service = await runPgService(config, log.logger, {}, t.appUrl, { newCommunesEveryMs: 100 });
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await pg?.destroy();
    await t?.drop();
  });

  it('is a 404 before it exists, then is served at /x/<id>/ with its turns in its own rows', async () => {
    expect((await fetch(`${base()}/x/${NEW}/`)).status).toBe(404);
    expect(await new PgCommuneRegistry(pg, HOME).add(NEW, 'Xã Mới')).toBe(true);

    const deadline = Date.now() + 120_000;
    let page = await fetch(`${base()}/x/${NEW}/`);
    while (page.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      page = await fetch(`${base()}/x/${NEW}/`);
    }
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('src="assets/chat.js"');
    const bare = await fetch(`${base()}/x/${NEW}`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe(`/x/${NEW}/`);

    const chat = await fetch(`${base()}/x/${NEW}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'test', text: 'VNeID là gì?' }),
    });
    expect(chat.status).toBe(200);
    const replies = ((await chat.json()) as { replies: { text: string }[] }).replies;
    expect(replies.map((r) => r.text).join('\n')).toContain('VNeID');
    const [own, home] = await Promise.all(
      [NEW, HOME].map((id) =>
        withCommune(pg, id, (trx) => trx.selectFrom('conversation_state').select('user_id').execute()),
      ),
    );
    expect(own).toHaveLength(1);
    expect(home).toHaveLength(0);
    expect(log.lines.some((l) => l.includes('a commune added since start is now served'))).toBe(true);
  }, 180_000);
});
