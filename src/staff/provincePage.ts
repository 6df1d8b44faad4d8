/**
 * @module staff/provincePage
 *
 * The "Toàn tỉnh" page: every commune on one table, each indicator of the
 * plan as "completed / population", the share, and that commune's own
 * target with whether it is met. Counts only, never a name. Server-rendered
 * with no script (the year is a plain GET form), styled by its own
 * stylesheet, so it works under the console's strict CSP on any phone.
 */
import { html } from 'hono/html';
import { COMMUNE_UTC_OFFSET_MS } from '../core/communeTime.js';
import { STAFF_BASE_PATH } from './accounts.js';
import type { Html } from './pages.js';
import { PLAN_SECTION, PLAN_YEARS, clampPlanYear } from '../reports/planIndicators.js';
import { metLabel, targetLabel } from '../reports/progressTables.js';
import type { ProgressCell } from '../reports/progressTypes.js';
import type { ProvinceReport } from '../reports/provinceReport.js';
import { NO_POPULATION } from '../reports/provinceTables.js';

export const PROVINCE_URL = `${STAFF_BASE_PATH}/tinh`;

const count = new Intl.NumberFormat('vi-VN');
const percent = new Intl.NumberFormat('vi-VN', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

function stateClass(c: ProgressCell): string {
  if (c.population === null) return 'unknown';
  return c.met === null ? 'neutral' : c.met ? 'met' : 'unmet';
}

/** One indicator of one commune (or of the total, which has no target). */
function cellHtml(c: ProgressCell): Html {
  const figures =
    c.population === null
      ? html`<span class="figure">${count.format(c.completed)}</span> <span class="missing">${NO_POPULATION}</span>`
      : html`<span class="figure">${count.format(c.completed)} / ${count.format(c.population)}</span>
          <span class="share">${c.share === null ? '–' : percent.format(c.share)}</span>`;
  const target =
    c.target === null ? '' : html`<span class="target">Mục tiêu ${targetLabel(c.target)}: ${metLabel(c.met)}</span>`;
  return html`<td class="cell ${stateClass(c)}">${figures} ${target}</td>`;
}

/** 2026-12-07 → 07/12/2026, as dates are written in Viet Nam. */
function dayText(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d ?? ''}/${m ?? ''}/${y ?? ''}`;
}

/** An ISO instant as the commune's clock reads it: "12:00 ngày 09/12/2026". */
function momentText(iso: string): string {
  const local = new Date(Date.parse(iso) + COMMUNE_UTC_OFFSET_MS).toISOString();
  return `${local.slice(11, 16)} ngày ${dayText(local.slice(0, 10))}`;
}

function exportQuery(year: number, extra = ''): string {
  return `?year=${year}${extra}`;
}

export function provinceBody(report: ProvinceReport): Html {
  const year = clampPlanYear(report.year);
  const rows = report.communes.map(
    (c) =>
      html`<tr>
        <th scope="row">${c.communeName}</th>
        ${c.indicators.map(cellHtml)}
        <td class="num">${count.format(c.passesThisWeek)}</td>
      </tr>`,
  );
  return html`<section>
      <h1>Toàn tỉnh: tiến độ Bình dân học vụ số</h1>
      <p class="muted">
        Mỗi xã được so với mục tiêu năm ${year} của chính xã đó (Kế hoạch, mục ${PLAN_SECTION[year]}). Số người hoàn
        thành tính từ đầu chương trình; lượt đạt bài kiểm tra tính từ thứ Hai ${dayText(report.weekStart)}. Số liệu lúc
        ${momentText(report.generatedAt)}.
      </p>
      <form class="year" method="get" action="${PROVINCE_URL}">
        <label
          >Năm mục tiêu
          <select name="year">
            ${PLAN_YEARS.map((y) => html`<option value="${y}" ${y === year ? 'selected' : ''}>${y}</option>`)}
          </select></label
        >
        <button type="submit">Xem</button>
      </form>
      <p class="exports">
        Tải về:
        <a href="${PROVINCE_URL}.csv${exportQuery(year, '&sep=semicolon')}">CSV (Excel tiếng Việt)</a>
        · <a href="${PROVINCE_URL}.xlsx${exportQuery(year)}">Excel (.xlsx)</a>
      </p>
    </section>
    <section>
      <div class="scroll">
        <table class="province">
          <thead>
            <tr>
              <th scope="col">Xã/phường</th>
              ${report.headers.map((h) => html`<th scope="col" title="${h.label}">Mục ${h.letter}</th>`)}
              <th scope="col">Lượt đạt tuần này</th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length > 0
                ? rows
                : html`<tr>
                    <td colspan="${report.headers.length + 2}">Chưa có xã nào.</td>
                  </tr>`
            }
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Tổng cộng</th>
              ${report.total.indicators.map(cellHtml)}
              <td class="num">${count.format(report.total.passesThisWeek)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p class="hint">
        "${NO_POPULATION}": xã chưa nhập dân số cho nhóm đối tượng đó (mục d: số người dân trưởng thành và số người được
        xác nhận trên VNeID), nên chưa tính được tỷ lệ. Dòng tổng cộng chỉ cộng dân số khi mọi xã đã nhập; mục tiêu là
        của từng xã nên dòng tổng không đánh giá đạt hay chưa.
      </p>
    </section>
    <section>
      <h2>Các chỉ tiêu (Kế hoạch, mục ${PLAN_SECTION[year]})</h2>
      <dl class="indicators">
        ${report.headers.map(
          (h) =>
            html`<dt>Mục ${h.letter}</dt>
              <dd>${h.label}</dd>`,
        )}
      </dl>
    </section>`;
}
