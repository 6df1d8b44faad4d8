/**
 * @module staff/populationView
 *
 * The population part of the settings page: the grid of people per hamlet ×
 * target group with the VNeID-certified column, editable for an admin and
 * read-only (own hamlet only) for a hamlet team, and the CSV upload with its
 * template link.
 */
import { html } from 'hono/html';
import { HEADER_CERTIFIED, POPULATION_CSV_MAX_BYTES } from '../content/populationCsv.js';
import { csrfField } from './pages.js';
import { messageFor, STAFF_BASE, type Html, type SettingsPageData } from './settingsViewParts.js';

export function populationSection(data: SettingsPageData): Html {
  const admin = data.scope.kind === 'commune';
  const scope = data.scope;
  const hamlets =
    scope.kind === 'hamlet' ? data.commune.hamlets.filter((h) => h.id === scope.hamletId) : data.commune.hamlets;
  const { groups } = data.commune;
  const people = new Map(data.population.map((p) => [`${p.hamletId}.${p.groupId}`, p.people]));
  const certified = new Map(data.certified.map((c) => [c.hamletId, c.certified]));
  const form = data.draft?.form;
  const value = (key: string, stored: number | undefined): string =>
    form ? (form[key] ?? '') : stored === undefined ? '' : String(stored);
  const cell = (key: string, stored: number | undefined, label: string): Html =>
    admin
      ? html`<td>
          <input
            name="${key}"
            value="${value(key, stored)}"
            inputmode="numeric"
            pattern="[0-9]*"
            maxlength="7"
            aria-label="${label}"
          />
        </td>`
      : html`<td class="num">${stored === undefined ? '–' : stored.toLocaleString('vi-VN')}</td>`;
  const grid = html`<table class="grid">
    <thead>
      <tr>
        <th>Xóm/khối</th>
        ${groups.map((g) => html`<th>${g.name}</th>`)}
        <th>${HEADER_CERTIFIED}</th>
      </tr>
    </thead>
    <tbody>
      ${hamlets.map(
        (h) =>
          html`<tr>
            <th scope="row">${h.name}</th>
            ${groups.map((g) => cell(`p.${h.id}.${g.id}`, people.get(`${h.id}.${g.id}`), `${h.name}: ${g.name}`))}
            ${cell(`c.${h.id}`, certified.get(h.id), `${h.name}: ${HEADER_CERTIFIED}`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
  return html`<section id="population">
    <h2>Dân số theo xóm/khối và nhóm đối tượng</h2>
    <p class="hint">
      Số người của từng nhóm đối tượng ở mỗi xóm/khối là mẫu số để tính tỷ lệ hoàn thành so với chỉ tiêu của Kế hoạch.
      Cột cuối là số người trong độ tuổi trưởng thành đã được xác nhận trên VNeID là đạt phổ cập kỹ năng số (mục III.d);
      chưa có số thì để trống.
    </p>
    ${messageFor(data, 'population')}
    ${
      hamlets.length === 0
        ? html`<p class="muted">Chưa có xóm/khối nào: thêm danh sách xóm/khối trước.</p>`
        : admin
          ? html`<form method="post" action="${STAFF_BASE}/settings/population">
                ${csrfField(data.csrfToken)}
                <div class="scroll">${grid}</div>
                <p><button type="submit">Lưu số liệu dân số</button></p>
              </form>
              <h3>Hoặc tải lên tệp CSV</h3>
              <p>
                <a href="${STAFF_BASE}/settings/population-template.csv">Tải tệp mẫu (CSV)</a> có sẵn các xóm/khối, nhóm
                đối tượng và số liệu hiện có. Mở bằng Excel, sửa số, lưu dạng CSV UTF-8 rồi tải lên. Tệp có dòng sai thì
                không lưu gì và trang báo từng dòng sai.
              </p>
              <form method="post" action="${STAFF_BASE}/settings/population.csv" enctype="multipart/form-data">
                ${csrfField(data.csrfToken)}
                <label
                  >Tệp CSV (tối đa ${POPULATION_CSV_MAX_BYTES / 1024} KB)
                  <input type="file" name="file" accept=".csv,text/csv" required />
                </label>
                <button type="submit">Tải lên</button>
              </form>`
          : html`<div class="scroll">${grid}</div>`
    }
  </section>`;
}
