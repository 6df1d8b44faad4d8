/**
 * @module http/board
 *
 * The public emulation board ("thi đua"), mounted by the app at `/thi-dua`
 * with no login: anyone in the commune may see how the hamlets compare. The
 * page shows only what the `Leaderboard` port returns (counts and shares per
 * hamlet), so nothing personal can reach it. The port counts at most once a
 * minute (core/stats/sources), so a hammered public page costs nothing more.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { Leaderboard } from '../core/stats/types.js';
import { barClassesCss } from './barClasses.js';
import { boardPage } from './boardPage.js';
import { communeClock } from '../core/communeTime.js';

export interface BoardDeps {
  readonly leaderboard: Leaderboard;
  /** Read at every request, so a renamed commune shows at once. */
  readonly communeName: () => string;
  /** Where the app mounts this sub-app (links to its stylesheet); `/thi-dua` by default. */
  readonly basePath?: string;
}

const STYLE = readFileSync(fileURLToPath(new URL('./public/board.css', import.meta.url)), 'utf8') + barClassesCss();

/** Local wall time in Vietnam, e.g. "06/12/2026 23:50". */
function localTime(at: Date): string {
  const { date, time } = communeClock(at);
  return `${date} ${time}`;
}

export function createBoardApp(deps: BoardDeps): Hono {
  const base = deps.basePath ?? '/thi-dua';
  const app = new Hono();
  app.get('/', async (c) => {
    const board = await deps.leaderboard.board();
    c.header('Cache-Control', 'public, max-age=60');
    return c.html(
      boardPage({
        communeName: deps.communeName(),
        board,
        updated: localTime(new Date(board.countedAt)),
        stylesheet: `${base}/board.css`,
      }),
    );
  });
  app.get('/board.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(STYLE);
  });
  return app;
}
