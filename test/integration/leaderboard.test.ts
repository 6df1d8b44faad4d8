/**
 * The emulation board end to end below the browser: completions counted per
 * hamlet in the database (erased residents' anonymous counts included),
 * ranked against a population from the port, served as a public page with no
 * login that carries counts and shares and never a person. On SQLite or
 * PostgreSQL (test/testRepos.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWebAssets } from '../../src/channels/web/assets.js';
import { createLeaderboard } from '../../src/core/stats/sources.js';
import type { PopulationCount, PopulationSource } from '../../src/core/stores/reports.js';
import { createApp } from '../../src/http/app.js';
import { createBoardApp } from '../../src/http/board.js';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import { statsParts } from '../../src/statsCompose.js';
import type { TableAccess } from '../contracts/tables.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { openTestRepos, type TestRepos, type TestReposDb } from '../testRepos.js';

const HAMLETS = [
  { id: 'xom-1', name: 'Xóm 1' },
  { id: 'xom-2', name: 'Xóm 2' },
  { id: 'xom-3', name: 'Xóm <Mới>' },
];
/** Names that must never appear on the public page. */
const SECRET_NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'];

class FakePopulation implements PopulationSource {
  rows: PopulationCount[] = [];
  population(): PopulationCount[] {
    return this.rows;
  }
  vneidCertified() {
    return [];
  }
}

describe('emulation board', () => {
  let database: TestReposDb;
  let tables: TableAccess;
  let stats: TestRepos['stats'];
  let COMMUNE: string;

  const completed = (citizenId: string, at: string) =>
    tables.insert('programme_completions', { commune_id: COMMUNE, citizen_id: citizenId, completed_at: at });

  beforeAll(async () => {
    database = await openTestRepos();
    const repos = await database.fresh();
    ({ tables, stats } = repos);
    COMMUNE = repos.communeId;
    const people: [string, string, string | null, string | null][] = [
      // id, name, hamlet, completed at
      ['c1', SECRET_NAMES[0] ?? '', 'xom-1', '2026-12-06T02:00:00.000Z'], // Sunday 6 Dec, 09:00 local
      ['c2', SECRET_NAMES[1] ?? '', 'xom-1', '2026-12-01T02:00:00.000Z'], // Tuesday of the same week
      ['c3', SECRET_NAMES[2] ?? '', 'xom-2', '2026-11-20T02:00:00.000Z'],
      ['c4', 'Không hoàn thành', 'xom-2', null],
      ['c5', 'Chưa rõ xóm', '  ', '2026-12-05T18:00:00.000Z'], // Sunday 6 Dec, 01:00 local
    ];
    for (const [id, name, hamlet, at] of people) {
      await tables.insert('citizens', {
        commune_id: COMMUNE,
        id,
        consent: 'given',
        display_name: name,
        hamlet,
        target_group: 'nguoi-dan',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
      });
      if (at) await completed(id, at);
    }
    const erased = (hamlet: string, on: string, completions: number) =>
      tables.insert('anonymous_completions', {
        commune_id: COMMUNE,
        hamlet,
        target_group: 'nguoi-dan',
        completed_on: on,
        completions,
      });
    await erased('xom-2', '2026-12-06', 2);
    await erased('xom-3', '2026-10-01', 1);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('counts completions per hamlet in the database, erased residents included, blanks as unknown', async () => {
    const rows = (await stats.completionsPerHamlet()).sort((a, b) =>
      String(a.hamletId).localeCompare(String(b.hamletId)),
    );
    expect(rows).toEqual([
      { hamletId: null, completed: 1 },
      { hamletId: 'xom-1', completed: 2 },
      { hamletId: 'xom-2', completed: 3 },
      { hamletId: 'xom-3', completed: 1 },
    ]);
  });

  it('tallies today, this week and in total from the local day and week', async () => {
    // Sunday 6 December 2026, 10:00 in Hà Nội.
    const tally = await stats.tally({ dayStart: '2026-12-05T17:00:00.000Z', weekStart: '2026-11-29T17:00:00.000Z' });
    // Today: c1, c5 and the two erased on 6 Dec; the week adds c2; the total adds c3 and the erased one of October.
    expect(tally).toEqual({ today: 4, week: 5, total: 7 });
  });

  it('serves the ranking publicly with no personal data, hamlets without population marked', async () => {
    const population = new FakePopulation();
    population.rows = [
      { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 10 },
      { hamletId: 'xom-2', groupId: 'nguoi-dan', people: 20 },
      { hamletId: 'xom-2', groupId: 'hoc-sinh-sinh-vien', people: 10 },
    ];
    const clock = fixedClock('2026-12-06T03:00:00.000Z');
    const leaderboard = createLeaderboard({ stats, population, hamlets: () => HAMLETS, clock });
    const app = createApp({
      chat: () => Promise.reject(new Error('not used')),
      healthy: () => true,
      assets: loadWebAssets(),
      logger: memoryLogger().logger,
      maxBodyBytes: 4096,
      board: createBoardApp({ leaderboard, communeName: () => 'Xã Hùng Châu' }),
    });

    const res = await app.request('/thi-dua');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self'");
    const html = await res.text();
    // Xóm 1: 2/10 = 20%, Xóm 2: 3/30 = 10%; Xóm <Mới> has no population, escaped.
    expect(html).toMatch(
      /Hạng <\/span>1<\/span>\s*<span class="name">Xóm 1<\/span>[\s\S]*20% đã hoàn thành \(2\/10 người\)/,
    );
    expect(html).toMatch(
      /Hạng <\/span>2<\/span>\s*<span class="name">Xóm 2<\/span>[\s\S]*10% đã hoàn thành \(3\/30 người\)/,
    );
    expect(html).toContain('Xóm &lt;Mới&gt;: 1 người đã hoàn thành — chưa có số dân');
    expect(html).toContain('Chưa rõ xóm: 1 người đã hoàn thành.');
    expect(html).toContain('Cập nhật lúc 06/12/2026 10:00');
    for (const name of [...SECRET_NAMES, 'Không hoàn thành', 'c1', 'c2', 'c3']) expect(html).not.toContain(name);
    expect(html).not.toMatch(/style=|<script/);

    const css = await app.request('/thi-dua/board.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('.w-20{width:20%}');

    // Counted once a minute: a completion recorded now shows on the next count, not on every request.
    await completed('c4', '2026-12-06T03:00:00.000Z');
    expect(await (await app.request('/thi-dua')).text()).toContain('(3/30 người)');
    clock.set('2026-12-06T03:01:00.000Z');
    expect(await (await app.request('/thi-dua')).text()).toContain('(4/30 người)');
  });

  it('wires the summary and the board over the database in one call (statsParts)', async () => {
    const population = new FakePopulation();
    population.rows = [{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 70 }];
    const parts = statsParts({
      stats,
      commune: () => ({ ...DEFAULT_COMMUNE, hamlets: HAMLETS }),
      population,
      // Sunday 6 December 2026, 12:00 in Hà Nội (the c4 completion above came at 10:00).
      clock: fixedClock('2026-12-06T05:00:00.000Z'),
    });
    expect(await parts.engine.summary.summary()).toEqual({
      year: 2026,
      today: 5,
      week: 6,
      total: 8,
      population: 70,
      share: 8 / 70,
      target: { share: 1, strict: false },
    });
    expect(await parts.engine.staff.isStaff('telegram', '1')).toBe(false);
    const board = await parts.leaderboard.board();
    expect(board.rows[0]).toMatchObject({ rank: 1, hamletId: 'xom-1', completed: 2, population: 70 });
    expect(board.countedAt).toBe('2026-12-06T05:00:00.000Z');
  });

  it('says there is nothing to rank yet for a commune with no hamlets', async () => {
    const empty = createBoardApp({
      leaderboard: { board: () => ({ rows: [], unknownHamlet: 0, countedAt: '2026-12-01T08:00:00.000Z' }) },
      communeName: () => 'Xã Hùng Châu',
    });
    const html = await (await empty.request('/')).text();
    expect(html).toContain('Chưa có số liệu để xếp hạng');
  });
});
