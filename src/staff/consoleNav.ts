/**
 * @module staff/consoleNav
 *
 * The one navigation bar of the signed-in console, so the dashboard, the
 * settings, the learning loop, "Hỏi cán bộ" and the account page (each rendering its own
 * page) lead to one another and all sign out the same way. A link is shown
 * only to a role that may use what it leads to: a hamlet team changes no
 * commune settings, so it is not offered "Cài đặt xã"; a province account is
 * offered only "Toàn tỉnh" and its password. Plain escaped HTML
 * (usable from string-built and Hono-template pages alike). The CSP allows no
 * inline style, so its rules (public/nav.css) are appended to the stylesheet
 * each page already loads from its own module: nothing more to serve or link.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { escapeHtml } from '../http/html.js';
import { STAFF_BASE_PATH } from './accounts.js';
import type { StaffPrincipal, StaffRole } from './types.js';

export type ConsolePage = 'dashboard' | 'handoff' | 'settings' | 'learning' | 'account' | 'province';

interface NavItem {
  readonly page: ConsolePage;
  readonly href: string;
  readonly label: string;
  /** Who is shown the link: a commune's own staff (admins and hamlet teams) unless it says otherwise. */
  readonly roles?: readonly StaffRole[];
}

const COMMUNE_ROLES: readonly StaffRole[] = ['admin', 'hamlet'];

export const NAV_ITEMS: readonly NavItem[] = [
  { page: 'province', href: `${STAFF_BASE_PATH}/tinh`, label: 'Toàn tỉnh', roles: ['province'] },
  { page: 'dashboard', href: STAFF_BASE_PATH, label: 'Tổng quan' },
  { page: 'handoff', href: `${STAFF_BASE_PATH}/hoi-dap`, label: 'Hỏi cán bộ' },
  { page: 'settings', href: `${STAFF_BASE_PATH}/settings`, label: 'Cài đặt xã', roles: ['admin'] },
  { page: 'learning', href: `${STAFF_BASE_PATH}/learning`, label: 'Câu hỏi cần trả lời' },
  { page: 'account', href: `${STAFF_BASE_PATH}/account/link`, label: 'Tài khoản' },
  // A province account links no chat (it answers no resident): its account page is the password.
  { page: 'account', href: `${STAFF_BASE_PATH}/account/password`, label: 'Đổi mật khẩu', roles: ['province'] },
];

export interface ConsoleNavOptions {
  readonly principal: StaffPrincipal;
  /** The session's CSRF token, sent with the sign-out form. */
  readonly csrfToken: string;
  /** The page being shown, marked for screen readers and styled as current. */
  readonly current?: ConsolePage;
  /**
   * Open "Hỏi cán bộ" threads the principal may see (set for every console
   * page by the handoff module, `c.get('handoffOpen')`); shown next to the
   * link, and kept current by handoff.js on the handoff pages. Absent: the
   * link is not shown (the console runs without the handoff module).
   */
  readonly handoffOpen?: number;
}

/** The count next to "Hỏi cán bộ": empty (hidden by nav.css) at 0 or when unknown. */
function handoffBadge(open: number | undefined): string {
  const text = open === undefined || open <= 0 ? '' : open > 99 ? '99+' : String(open);
  const label = text ? ` aria-label="${escapeHtml(`${text} cuộc đang chờ`)}"` : '';
  return ` <span class="nav-count" data-handoff-count${label}>${text}</span>`;
}

function roleText(p: StaffPrincipal): string {
  if (p.role === 'province') return 'cán bộ cấp tỉnh';
  return p.role === 'admin' ? 'quản trị viên xã' : `tổ xóm/khối ${p.hamletId}`;
}

let css: string | undefined;

/** The bar's rules, for a page module to append to the stylesheet it serves. */
export function navCss(): string {
  css ??= readFileSync(fileURLToPath(new URL('./public/nav.css', import.meta.url)), 'utf8');
  return css;
}

/** The bar as escaped HTML text (for pages written as strings). */
export function consoleNav(o: ConsoleNavOptions): string {
  const items = NAV_ITEMS.filter((i) => (i.roles ?? COMMUNE_ROLES).includes(o.principal.role))
    // "Hỏi cán bộ" only where the handoff module counted its threads: a console without it shows no dead link.
    .filter((i) => i.page !== 'handoff' || o.handoffOpen !== undefined)
    .map((i) => {
      const current = i.page === o.current ? ' aria-current="page"' : '';
      const badge = i.page === 'handoff' ? handoffBadge(o.handoffOpen) : '';
      return `<li><a href="${i.href}"${current}>${escapeHtml(i.label)}</a>${badge}</li>`;
    })
    .join('');
  return `<nav class="console-nav" aria-label="Trang quản trị">
<ul>${items}</ul>
<div class="console-nav-user">
<span>${escapeHtml(o.principal.name)} <span class="console-nav-role">(${escapeHtml(roleText(o.principal))})</span></span>
<form class="signout" method="post" action="${STAFF_BASE_PATH}/logout">
<input type="hidden" name="_csrf" value="${escapeHtml(o.csrfToken)}">
<button type="submit">Đăng xuất</button>
</form>
</div>
</nav>`;
}

/** The same bar for pages written with Hono's `html` template. */
export function consoleNavHtml(o: ConsoleNavOptions): HtmlEscapedString {
  return raw(consoleNav(o));
}
