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
import type { ContactPoint, NamedItem } from '../core/registry/types.js';
import { populationSection } from './populationView.js';
import { csrfField, staffPage } from './pages.js';
import { messageFor, STAFF_BASE, type Html, type SettingsPageData } from './settingsViewParts.js';

export { STAFF_BASE, type Html, type PageMessage, type Section, type SettingsPageData } from './settingsViewParts.js';

const BLANK_HAMLET_ROWS = 3;

function source(saved: boolean): Html {
  return saved
    ? html`<p class="muted">
        Đang dùng thông tin đã lưu trên trang này (thay cho mục tương ứng trong tệp knowledge/commune.yaml).
      </p>`
    : html`<p class="muted">
        Đang dùng thông tin trong tệp knowledge/commune.yaml. Sau khi lưu ở đây, trợ lý dùng thông tin trên trang này
        thay cho tệp.
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
            ${csrfField(data.csrfToken)}
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
            ${csrfField(data.csrfToken)} ${body}
            <p><button type="submit">Lưu thông tin liên hệ</button></p>
          </form>`
        : body
    }
  </section>`;
}

/** The settings page's own stylesheet (base rules and the bar included) and its row-adding script. */
const SETTINGS_ASSETS = {
  stylesheet: `${STAFF_BASE}/settings/settings.css`,
  script: `${STAFF_BASE}/settings/settings.js`,
} as const;

/** The whole settings page. */
export function settingsPage(data: SettingsPageData): Html {
  return staffPage(
    'Cài đặt của xã',
    html`<h1>Cài đặt của ${data.commune.name}</h1>
      <nav>
        <a href="#hamlets">Xóm/khối</a> · <a href="#contacts">Liên hệ</a> · <a href="#population">Dân số</a> ·
        <a href="${STAFF_BASE}/api/settings.yaml">Tải cài đặt dạng commune.yaml</a>
      </nav>
      ${hamletsSection(data)} ${contactsSection(data)} ${populationSection(data)}`,
    data.nav,
    SETTINGS_ASSETS,
  );
}

/** A short page for a refusal (403, 413) that a browser shows. */
export function messagePage(title: string, text: string): Html {
  return staffPage(
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>
      <p><a href="${STAFF_BASE}/settings">Quay lại trang Cài đặt</a></p>`,
    undefined,
    { stylesheet: SETTINGS_ASSETS.stylesheet },
  );
}
