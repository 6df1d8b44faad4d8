/**
 * @module staff/passwordPage
 *
 * The "Đổi mật khẩu" form of the account page: the current password, the new
 * one twice. Nothing typed is ever written back into the page (a password
 * re-rendered in HTML could end up in a cache), so after an error the fields
 * are empty and the message says what to fix.
 */
import { html } from 'hono/html';
import { STAFF_BASE_PATH } from './accounts.js';
import { csrfField, type Html } from './pages.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.js';

export const PASSWORD_PATH = `${STAFF_BASE_PATH}/account/password`;

/** Where "back" leads: the account page, or for a province account (which has none) the province page. */
function backLink(province: boolean): Html {
  return province
    ? html`<a href="${STAFF_BASE_PATH}/tinh">Quay lại trang Toàn tỉnh</a>`
    : html`<a href="${STAFF_BASE_PATH}/account/link">Quay lại trang tài khoản</a>`;
}

export function passwordBody(d: {
  readonly csrfToken: string;
  readonly error?: string;
  readonly province?: boolean;
}): Html {
  return html`<div class="card">
    <h1>Đổi mật khẩu</h1>
    <p>
      Mật khẩu mới dài ít nhất ${MIN_PASSWORD_LENGTH} ký tự, không trùng tên đăng nhập. Sau khi đổi, mọi phiên đăng nhập
      của tài khoản (kể cả trên máy khác) đều kết thúc và anh/chị đăng nhập lại bằng mật khẩu mới.
    </p>
    ${d.error ? html`<p class="error" role="alert">${d.error}</p>` : ''}
    <form method="post" action="${PASSWORD_PATH}">
      ${csrfField(d.csrfToken)}
      <label
        >Mật khẩu đang dùng <input type="password" name="current" autocomplete="current-password" required
      /></label>
      <label
        >Mật khẩu mới
        <input
          type="password"
          name="password"
          autocomplete="new-password"
          required
          minlength="${MIN_PASSWORD_LENGTH}"
          maxlength="${MAX_PASSWORD_LENGTH}"
      /></label>
      <label
        >Nhập lại mật khẩu mới
        <input
          type="password"
          name="confirm"
          autocomplete="new-password"
          required
          minlength="${MIN_PASSWORD_LENGTH}"
          maxlength="${MAX_PASSWORD_LENGTH}"
      /></label>
      <button type="submit">Đổi mật khẩu</button>
    </form>
    <p>${backLink(d.province === true)}</p>
  </div>`;
}
