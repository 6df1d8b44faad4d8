/**
 * @module http/boardPage
 *
 * The emulation board as a page anyone can open: hamlets ranked by the share
 * of their people who completed the programme. Aggregate figures only (no
 * names, no ids of people), written on the server so it works on the most
 * basic phone browser with no script at all.
 */
import type { Board, BoardRow } from '../core/stats/types.js';
import { BOARD_TITLE, formatCount, formatShare, NO_POPULATION } from '../core/stats/texts.js';
import { widthClass } from './barClasses.js';
import { escapeHtml } from './html.js';

export interface BoardPageInput {
  readonly communeName: string;
  readonly board: Board;
  /** When the figures were counted, as shown to the reader (local time). */
  readonly updated: string;
  readonly stylesheet: string;
}

function rankedItem(row: BoardRow): string {
  const share = formatShare(row.share ?? 0);
  const counts = `${formatCount(row.completed)}/${formatCount(row.population ?? 0)} người`;
  return `<li>
  <span class="rank"><span class="sr">Hạng </span>${row.rank ?? ''}</span>
  <span class="name">${escapeHtml(row.hamletName)}</span>
  <span class="bar" aria-hidden="true"><span class="fill ${widthClass(row.share ?? 0)}"></span></span>
  <span class="value">${share} đã hoàn thành (${counts})</span>
</li>`;
}

function unrankedItem(row: BoardRow): string {
  return `<li>${escapeHtml(row.hamletName)}: ${formatCount(row.completed)} người đã hoàn thành — ${NO_POPULATION}</li>`;
}

export function boardPage(input: BoardPageInput): string {
  const ranked = input.board.rows.filter((r) => r.rank !== null);
  const unranked = input.board.rows.filter((r) => r.rank === null);
  const sections: string[] = [];
  if (ranked.length > 0) {
    sections.push(
      `<h2>Tỷ lệ người dân đã hoàn thành chương trình</h2>\n<ol class="board">\n${ranked.map(rankedItem).join('\n')}\n</ol>`,
    );
  }
  if (unranked.length > 0) {
    sections.push(
      `<h2>Chưa xếp hạng (${NO_POPULATION})</h2>\n<p class="note">Xã chưa nhập số dân của các xóm này nên chưa tính được tỷ lệ.</p>\n<ul class="plain">\n${unranked.map(unrankedItem).join('\n')}\n</ul>`,
    );
  }
  if (input.board.rows.length === 0) {
    sections.push('<p>Chưa có số liệu để xếp hạng: xã chưa nhập danh sách xóm.</p>');
  }
  if (input.board.unknownHamlet > 0) {
    sections.push(`<p>Chưa rõ xóm: ${formatCount(input.board.unknownHamlet)} người đã hoàn thành.</p>`);
  }
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(BOARD_TITLE)} — ${escapeHtml(input.communeName)}</title>
<link rel="stylesheet" href="${escapeHtml(input.stylesheet)}">
</head>
<body>
<header>
<h1>${escapeHtml(BOARD_TITLE)}</h1>
<p>${escapeHtml(input.communeName)} — thi đua giữa các xóm</p>
</header>
<main>
${sections.join('\n')}
<p class="updated">Cập nhật lúc ${escapeHtml(input.updated)}. Trang chỉ có số liệu tổng hợp, không có thông tin cá nhân.</p>
</main>
</body>
</html>
`;
}
