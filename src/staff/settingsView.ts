/**
 * @module staff/settingsView
 *
 * The settings page, rendered on the server in Vietnamese: the hamlet list,
 * the contacts, the population figures. Every value goes through Hono's
 * escaping `html` template; style and the one small script come from files
 * (public/settings.css, public/settings.js) because the console's CSP allows
 * nothing inline. A hamlet team member sees the same page without forms, and
 * only their own hamlet's figures.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContactPoint, NamedItem } from '../core/registry/types.js';
import type { CertifiedCount, PopulationCount } from '../core/stores/reports.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import { HEADER_CERTIFIED, POPULATION_CSV_MAX_BYTES } from '../content/populationCsv.js';
import type { StaffScope } from './types.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Where the console is mounted; links and form actions are absolute. */
export const STAFF_BASE = '/staff';

export type Section = 'hamlets' | 'contacts' | 'population';

/** What the page shows about the last action: a success line, or errors for one section. */
export interface PageMessage {
  readonly section: Section;
  readonly kind: 'ok' | 'error';
  readonly lines: readonly string[];
}

export interface SettingsPageData {
  readonly commune: CommuneConfig;
  readonly scope: StaffScope;
  readonly csrfToken: string;
  /** Whether the hamlet list / contacts come from the console (else from commune.yaml). */
  readonly saved: { readonly hamlets: boolean; readonly contacts: boolean };
  /** Hamlet ids something is filed under: their id field is shown read-only. */
  readonly usedIds: ReadonlySet<string>;
  readonly population: readonly PopulationCount[];
  readonly certified: readonly CertifiedCount[];
  readonly message?: PageMessage;
  /** What was posted, shown again when it was refused (so nothing typed is lost). */
  readonly draft?: {
    readonly hamlets?: readonly { readonly id: string; readonly name: string; readonly previousId?: string }[];
    readonly form?: Readonly<Record<string, string>>;
  };
}

const BLANK_HAMLET_ROWS = 3;

function csrf(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}

function messageFor(data: SettingsPageData, section: Section): Html {
  const m = data.message;
  if (!m || m.section !== section) return html``;
  const role = m.kind === 'error' ? 'alert' : 'status';
  return html`<div class="${m.kind === 'error' ? 'errors' : 'notice'}" role="${role}">
    ${
      m.lines.length === 1
        ? html`<p>${m.lines[0]}</p>`
        : html`<ul>
            ${m.lines.map((l) => html`<li>${l}</li>`)}
          </ul>`
    }
  </div>`;
}

function source(saved: boolean): Html {
  return saved
    ? html`<p class="muted">
        Đang dùng danh sách đã lưu trên trang này (thay cho mục tương ứng trong tệp commune.yaml).
      </p>`
    : html`<p class="muted">
        Đang dùng mục tương ứng trong tệp knowledge/commune.yaml; lưu ở đây thì trang này được dùng thay.
      </p>`;
}

function hamletRow(n: number, row: { id: string; name: string; previousId?: string }, used: boolean): Html {
  return html`<tr>
    <td>
      <input
        name="h.${n}.id"
        value="${row.id}"
        maxlength="64"
        pattern="[a-z0-9]+(-[a-z0-9]+)*"
        aria-label="Mã xóm/khối"
        ${used ? html`readonly` : ''}
      />
      ${row.previousId ? html`<input type="hidden" name="h.${n}.previous" value="${row.previousId}" />` : ''}
      ${used ? html`<span class="muted small">đã dùng, không đổi được mã</span>` : ''}
    </td>
    <td><input name="h.${n}.name" value="${row.name}" maxlength="80" aria-label="Tên xóm/khối" /></td>
    <td>
      ${
        row.previousId && !used
          ? html`<label class="small"><input type="checkbox" name="h.${n}.remove" value="1" /> Bỏ</label>`
          : ''
      }
    </td>
  </tr>`;
}

function hamletsSection(data: SettingsPageData): Html {
  const { hamlets } = data.commune;
  const admin = data.scope.kind === 'commune';
  const rows = data.draft?.hamlets ?? hamlets.map((h) => ({ id: h.id, name: h.name, previousId: h.id }));
  const list = html`<table>
    <thead>
      <tr>
        <th>Mã</th>
        <th>Tên</th>
      </tr>
    </thead>
    <tbody>
      ${hamlets.map(
        (h) =>
          html`<tr>
            <td><code>${h.id}</code></td>
            <td>${h.name}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  return html`<section id="hamlets">
    <h2>Danh sách xóm/khối</h2>
    ${source(data.saved.hamlets)} ${messageFor(data, 'hamlets')}
    ${
      admin
        ? html`<form method="post" action="${STAFF_BASE}/settings/hamlets">
            ${csrf(data.csrfToken)}
            <p class="hint">
              Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ xom-1, khoi-tan-hung). Khi mã đã được
              dùng (bà con đã chọn xóm/khối, đã nhập số dân…), chỉ sửa được tên; mã không đổi và không bỏ được.
            </p>
            <table class="edit" data-next-row="${rows.length + BLANK_HAMLET_ROWS}">
              <thead>
                <tr>
                  <th>Mã</th>
                  <th>Tên xóm/khối</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${rows.map((r, n) => hamletRow(n, r, r.previousId !== undefined && data.usedIds.has(r.previousId)))}
                ${Array.from({ length: BLANK_HAMLET_ROWS }, (_, i) => hamletRow(rows.length + i, { id: '', name: '' }, false))}
              </tbody>
            </table>
            <p>
              <button type="button" class="secondary" data-add-row="hamlets">Thêm dòng</button>
              <button type="submit">Lưu danh sách xóm/khối</button>
            </p>
          </form>`
        : hamlets.length > 0
          ? list
          : html`<p>Chưa có xóm/khối nào.</p>`
    }
  </section>`;
}

const POINT_LABELS = { address: 'Địa chỉ', hours: 'Giờ làm việc', phone: 'Số điện thoại' } as const;

function pointFields(
  prefix: string,
  point: ContactPoint | undefined,
  form: Readonly<Record<string, string>> | undefined,
  readonly: boolean,
): Html {
  return html`${(['address', 'hours', 'phone'] as const).map((f) => {
    const value = form ? (form[`${prefix}.${f}`] ?? '') : (point?.[f] ?? '');
    return html`<label
      >${POINT_LABELS[f]}
      <input
        name="${prefix}.${f}"
        value="${value}"
        maxlength="${f === 'address' ? 200 : 120}"
        ${readonly ? html`readonly` : ''}
        ${f === 'phone' ? html`inputmode="tel"` : ''}
      />
    </label>`;
  })}`;
}

function contactsSection(data: SettingsPageData): Html {
  const c = data.commune.contacts;
  const admin = data.scope.kind === 'commune';
  const form = data.draft?.form;
  const teamValue = (h: NamedItem, f: 'name' | 'address' | 'hours' | 'phone'): string => {
    if (form) return form[`team.${h.id}.${f}`] ?? '';
    return c?.digitalTeams.find((t) => t.hamlet === h.id)?.[f] ?? '';
  };
  const ro = admin ? '' : html`readonly`;
  const body = html` <fieldset>
      <legend>Bộ phận một cửa (Trung tâm phục vụ hành chính công) của xã</legend>
      ${pointFields('office', c?.office, form, !admin)}
    </fieldset>
    <fieldset>
      <legend>Công an xã</legend>
      ${pointFields('police', c?.police, form, !admin)}
    </fieldset>
    <h3>Tổ công nghệ số cộng đồng của từng xóm/khối</h3>
    ${
      data.commune.hamlets.length === 0
        ? html`<p class="muted">Thêm xóm/khối trước, rồi điền tổ công nghệ số của từng xóm/khối.</p>`
        : html`<table class="edit">
            <thead>
              <tr>
                <th>Xóm/khối</th>
                <th>Người liên hệ</th>
                <th>Số điện thoại</th>
                <th>Địa chỉ</th>
                <th>Giờ</th>
              </tr>
            </thead>
            <tbody>
              ${data.commune.hamlets.map(
                (h) =>
                  html`<tr>
                    <td>${h.name}</td>
                    ${(['name', 'phone', 'address', 'hours'] as const).map(
                      (f) =>
                        html`<td>
                          <input
                            name="team.${h.id}.${f}"
                            value="${teamValue(h, f)}"
                            maxlength="200"
                            aria-label="${h.name}: ${f === 'name' ? 'người liên hệ' : POINT_LABELS[f].toLowerCase()}"
                            ${ro}
                          />
                        </td>`,
                    )}
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return html`<section id="contacts">
    <h2>Thông tin liên hệ</h2>
    ${source(data.saved.contacts)}
    <p class="hint">
      Trợ lý đọc đúng những gì điền ở đây khi chưa trả lời được câu hỏi; mục nào để trống thì trợ lý chỉ khuyên chung.
      Số điện thoại: di động 10 số, máy bàn 11 số bắt đầu bằng 02, hoặc đường dây 1800/1900.
    </p>
    ${messageFor(data, 'contacts')}
    ${
      admin
        ? html`<form method="post" action="${STAFF_BASE}/settings/contacts">
            ${csrf(data.csrfToken)} ${body}
            <p><button type="submit">Lưu thông tin liên hệ</button></p>
          </form>`
        : body
    }
  </section>`;
}

function populationSection(data: SettingsPageData): Html {
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
                ${csrf(data.csrfToken)}
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
                ${csrf(data.csrfToken)}
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

/** The whole settings page. */
export function settingsPage(data: SettingsPageData): Html {
  return html`<!doctype html>
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>Cài đặt của xã – Bình dân học vụ số</title>
        <link rel="stylesheet" href="${STAFF_BASE}/settings/settings.css" />
        <script src="${STAFF_BASE}/settings/settings.js" defer></script>
      </head>
      <body>
        <main>
          <h1>Cài đặt của ${data.commune.name}</h1>
          <nav>
            <a href="#hamlets">Xóm/khối</a> · <a href="#contacts">Liên hệ</a> · <a href="#population">Dân số</a> ·
            <a href="${STAFF_BASE}/api/settings.yaml">Tải cài đặt dạng commune.yaml</a>
          </nav>
          ${hamletsSection(data)} ${contactsSection(data)} ${populationSection(data)}
        </main>
      </body>
    </html>`;
}

/** A short page for a refusal (403, 413) that a browser shows. */
export function messagePage(title: string, text: string): Html {
  return html`<!doctype html>
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        <link rel="stylesheet" href="${STAFF_BASE}/settings/settings.css" />
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          <p>${text}</p>
          <p><a href="${STAFF_BASE}/settings">Quay lại trang Cài đặt</a></p>
        </main>
      </body>
    </html>`;
}
