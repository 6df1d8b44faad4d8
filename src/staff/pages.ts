/**
 * @module staff/pages
 *
 * The front door's server-rendered pages, in Vietnamese: sign in, choose a
 * password, a message. Every value is escaped by Hono's `html` template; the
 * only style comes from /staff/assets/staff.css and there is no script at
 * all, so the pages work under the console's strict CSP and on any browser.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { STAFF_BASE_PATH } from './accounts.js';
import { MIN_PASSWORD_LENGTH } from './password.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What a module's page adds to the shared head: its own stylesheet (base rules included, see consoleCss) and script. */
export interface PageAssets {
  readonly stylesheet?: string;
  readonly script?: string;
}

/** The page shell shared by the console's pages: one head, one stylesheet link, the bar, then the page. */
export function staffPage(title: string, body: Html, header?: Html, assets: PageAssets = {}): Html {
  return html`<!doctype html>
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title} – Bình dân học vụ số</title>
        <link rel="stylesheet" href="${assets.stylesheet ?? `${STAFF_BASE_PATH}/assets/staff.css`}" />
        ${assets.script ? html`<script src="${assets.script}" defer></script>` : ''}
      </head>
      <body>
        ${header ?? ''}
        <main>${body}</main>
      </body>
    </html>`;
}

/** The session's CSRF token as the hidden field every console form posts (checked by the front door). */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}

function message(error?: string, notice?: string): Html {
  return html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}${
    notice ? html`<p class="notice" role="status">${notice}</p>` : ''
  }`;
}

export function loginPage(opts: { formToken: string; error?: string; notice?: string; loginId?: string }): Html {
  return staffPage(
    'Đăng nhập',
    html`<div class="card">
      <h1>Đăng nhập trang quản trị</h1>
      <p class="muted">Dành cho cán bộ xã và tổ công nghệ số cộng đồng các xóm/khối.</p>
      ${message(opts.error, opts.notice)}
      <form method="post" action="${STAFF_BASE_PATH}/login">
        <input type="hidden" name="_csrf" value="${opts.formToken}" />
        <label for="login">Tên đăng nhập</label>
        <input
          id="login"
          name="login"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          maxlength="64"
          value="${opts.loginId ?? ''}"
        />
        <label for="password">Mật khẩu</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200" />
        <button type="submit">Đăng nhập</button>
      </form>
      <p class="hint">Quên mật khẩu? Đề nghị quản trị viên của xã cấp đường dẫn đặt lại mật khẩu.</p>
    </div>`,
  );
}

export function setupPage(opts: {
  formToken: string;
  token: string;
  loginId: string;
  name: string;
  error?: string;
}): Html {
  return staffPage(
    'Đặt mật khẩu',
    html`<div class="card">
      <h1>Đặt mật khẩu</h1>
      <p>Xin chào ${opts.name}. Tên đăng nhập của anh/chị là <strong>${opts.loginId}</strong>.</p>
      ${message(opts.error)}
      <form method="post" action="${STAFF_BASE_PATH}/setup">
        <input type="hidden" name="_csrf" value="${opts.formToken}" />
        <input type="hidden" name="token" value="${opts.token}" />
        <input type="text" name="login" autocomplete="username" value="${opts.loginId}" hidden readonly />
        <label for="password">Mật khẩu mới</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength="${MIN_PASSWORD_LENGTH}"
          maxlength="200"
        />
        <label for="confirm">Nhập lại mật khẩu mới</label>
        <input
          id="confirm"
          name="confirm"
          type="password"
          autocomplete="new-password"
          required
          minlength="${MIN_PASSWORD_LENGTH}"
          maxlength="200"
        />
        <p class="hint">
          Ít nhất ${MIN_PASSWORD_LENGTH} ký tự; nên dùng một câu ngắn dễ nhớ với anh/chị nhưng khó đoán với người khác.
          Không dùng lại mật khẩu của tài khoản khác.
        </p>
        <button type="submit">Lưu mật khẩu</button>
      </form>
    </div>`,
  );
}

/** A page that only says something (an expired link, a refused form) with a way on. */
export function messagePage(title: string, text: string, link?: { href: string; label: string }): Html {
  return staffPage(
    title,
    html`<div class="card">
      <h1>${title}</h1>
      <p>${text}</p>
      ${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}
    </div>`,
  );
}

/** The bar at the top of signed-in pages: who is signed in, and the logout button (a form, so it carries the CSRF token). */
export function signedInBar(name: string, roleLabel: string, csrfToken: string): Html {
  return html`<header class="bar">
    <span>${name} <span class="muted">(${roleLabel})</span></span>
    <form method="post" action="${STAFF_BASE_PATH}/logout">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      <button type="submit">Đăng xuất</button>
    </form>
  </header>`;
}
