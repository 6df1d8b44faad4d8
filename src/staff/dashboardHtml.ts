/**
 * @module staff/dashboardHtml
 *
 * The dashboard's page shell: filters, empty sections and download links,
 * written on the server; the script (public/dashboard.js) fetches the report
 * JSON and fills the sections. The filters are a plain GET form, so they work
 * even when the script fails. A hamlet team's page offers only its own hamlet
 * (the report API enforces the same on the server). Names of people never
 * appear: the report carries counts only, and the page shows the signed-in
 * staff member's own name and nothing else personal.
 */
import { escapeHtml } from '../http/html.js';
import type { NamedItem } from '../core/registry/types.js';

/** The filters as the page starts with them (validated from the query string). */
export interface DashboardFilters {
  readonly year: number;
  readonly hamlet?: string;
  readonly group?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface DashboardView {
  readonly communeName: string;
  readonly staffName: string;
  /** The session's CSRF token, for the sign-out form (POST `/staff/logout`, field `_csrf`). */
  readonly csrfToken: string;
  /** Years with targets in the plan, offered in the year filter. */
  readonly years: readonly number[];
  /** Hamlets the principal may choose; for a hamlet team, exactly its own. */
  readonly hamlets: readonly NamedItem[];
  /** A hamlet team's page is fixed to this hamlet (no "whole commune" choice). */
  readonly fixedHamlet: boolean;
  readonly groups: readonly NamedItem[];
  readonly filters: DashboardFilters;
  /** Plain Vietnamese messages about filters that were ignored. */
  readonly problems: readonly string[];
  /** The console's path (`/staff`): links to the page, its assets and the report API. */
  readonly base: string;
  /** The console's navigation bar (staff/consoleNav.ts), with the sign-out form. */
  readonly nav: string;
}

const PLAN_SECTION: Readonly<Record<number, string>> = { 2025: 'mục III.1', 2026: 'mục III.2' };

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function hamletControl(view: DashboardView): string {
  const only = view.hamlets[0];
  if (view.fixedHamlet && only) {
    return `<div class="field">
  <span class="label" id="f-hamlet-label">Xóm</span>
  <p class="fixed" aria-labelledby="f-hamlet-label">${escapeHtml(only.name)}</p>
  <input type="hidden" id="f-hamlet" name="hamlet" value="${escapeHtml(only.id)}">
</div>`;
  }
  const options = view.hamlets.map((h) => option(h.id, h.name, view.filters.hamlet === h.id));
  return `<div class="field">
  <label for="f-hamlet">Xóm</label>
  <select id="f-hamlet" name="hamlet">${option('', 'Cả xã', !view.filters.hamlet)}${options.join('')}</select>
</div>`;
}

/** The report API's query for these filters (empty ones left out), as the links and the script send it. */
export function reportQuery(f: DashboardFilters): string {
  const params = new URLSearchParams({ year: String(f.year) });
  for (const key of ['hamlet', 'group', 'from', 'to'] as const) {
    const value = f[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}

export function dashboardHtml(view: DashboardView): string {
  const f = view.filters;
  const query = reportQuery(f);
  const years = view.years.map((y) => option(String(y), String(y), f.year === y));
  const section = PLAN_SECTION[f.year];
  const groups = view.groups.map((g) => option(g.id, g.name, f.group === g.id));
  const problems =
    view.problems.length > 0
      ? `<div class="problems" role="alert"><p>Một số bộ lọc không hợp lệ nên đã bỏ qua:</p><ul>${view.problems
          .map((p) => `<li>${escapeHtml(p)}</li>`)
          .join('')}</ul></div>`
      : '';
  const base = escapeHtml(view.base);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tiến độ Bình dân học vụ số — ${escapeHtml(view.communeName)}</title>
<link rel="stylesheet" href="${base}/assets/dashboard.css">
<script src="${base}/assets/vendor/chart.umd.min.js" defer></script>
<script src="${base}/assets/dashboard.js" defer></script>
</head>
<body>
${view.nav}
<header class="top">
<h1>Tiến độ Bình dân học vụ số</h1>
<p>${escapeHtml(view.communeName)} · Cán bộ: ${escapeHtml(view.staffName)}</p>
</header>
<main id="dashboard" data-api="${base}/api/report" data-page="${base}">
<form id="filters" class="filters" method="get" action="${base}">
<div class="field">
  <label for="f-year">Năm (mục tiêu)</label>
  <select id="f-year" name="year">${years.join('')}</select>
</div>
${hamletControl(view)}
<div class="field wide">
  <label for="f-group">Nhóm đối tượng</label>
  <select id="f-group" name="group">${option('', 'Tất cả các nhóm', !f.group)}${groups.join('')}</select>
</div>
<div class="field">
  <label for="f-from">Từ ngày</label>
  <input type="date" id="f-from" name="from" value="${escapeHtml(f.from ?? '')}">
</div>
<div class="field">
  <label for="f-to">Đến ngày</label>
  <input type="date" id="f-to" name="to" value="${escapeHtml(f.to ?? '')}">
</div>
<button type="submit" class="wide">Xem số liệu</button>
</form>
${problems}
<p id="status" class="status" role="status" aria-live="polite">Đang tải số liệu…</p>
<section aria-labelledby="h-indicators">
<h2 id="h-indicators">Các chỉ tiêu của Kế hoạch, năm <span id="year-label">${f.year}</span></h2>
<p class="legend" id="plan-section">${section ? `Theo ${section} của Kế hoạch.` : ''}</p>
<p class="legend">Thanh xanh: tỷ lệ đã đạt. Vạch đỏ: mục tiêu của năm.</p>
<div id="indicators" class="cells"></div>
</section>
<section aria-labelledby="h-total">
<h2 id="h-total">Tổng cộng</h2>
<div id="total" class="cells"></div>
</section>
<section aria-labelledby="h-hamlets">
<h2 id="h-hamlets">Theo xóm</h2>
<div id="hamlets" class="cells"></div>
</section>
<section aria-labelledby="h-groups">
<h2 id="h-groups">Theo nhóm đối tượng</h2>
<div id="groups" class="cells"></div>
</section>
<section aria-labelledby="h-weekly">
<h2 id="h-weekly">Số người hoàn thành theo tuần</h2>
<div class="chart-box"><canvas id="weekly-chart" role="img" aria-label="Biểu đồ số người hoàn thành chương trình và số lượt đạt bài kiểm tra theo tuần"></canvas></div>
<details id="weekly-details">
<summary>Xem bảng số liệu theo tuần</summary>
<table id="weekly-table">
<thead><tr><th scope="col">Tuần bắt đầu</th><th scope="col">Hoàn thành chương trình</th><th scope="col">Lượt đạt bài kiểm tra</th></tr></thead>
<tbody></tbody>
</table>
</details>
</section>
<section aria-labelledby="h-quizzes">
<h2 id="h-quizzes">Bài kiểm tra</h2>
<div id="quizzes"></div>
</section>
<section aria-labelledby="h-notes">
<h2 id="h-notes">Ghi chú</h2>
<ul id="notes" class="notes"></ul>
</section>
<section aria-labelledby="h-downloads">
<h2 id="h-downloads">Tải báo cáo</h2>
<p class="legend">Tệp tải về theo đúng các bộ lọc đang chọn.</p>
<div class="downloads">
<a id="dl-csv-semicolon" class="button" href="${base}/api/report.csv?${escapeHtml(query)}&amp;sep=semicolon" data-href="${base}/api/report.csv" data-delimiter="semicolon" download>Tải CSV (dấu chấm phẩy ; — mở bằng Excel)</a>
<a id="dl-csv-comma" class="button" href="${base}/api/report.csv?${escapeHtml(query)}&amp;sep=comma" data-href="${base}/api/report.csv" data-delimiter="comma" download>Tải CSV (dấu phẩy ,)</a>
<a id="dl-xlsx" class="button" href="${base}/api/report.xlsx?${escapeHtml(query)}" data-href="${base}/api/report.xlsx" download>Tải tệp Excel (XLSX)</a>
</div>
</section>
<p id="generated" class="legend"></p>
</main>
</body>
</html>
`;
}
