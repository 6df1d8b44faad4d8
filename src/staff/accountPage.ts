/**
 * @module staff/accountPage
 *
 * The "Tài khoản" page: which of the staff member's chats (Telegram, Zalo)
 * are linked to their account, a button for a one-time code to link one, and
 * a button to unlink each. A fresh code is shown once, right after it is
 * made, with the exact message to send the bot; the page never shows a chat
 * id. Styles come from the console's stylesheets only (strict CSP).
 */
import { html } from 'hono/html';
import { STAFF_CODE_MINUTES } from '../core/stats/staffLink.js';
import type { StaffChatChannel, StaffChatLink } from './types.js';
import { STAFF_BASE_PATH } from './accounts.js';
import { csrfField, type Html } from './pages.js';
import { PASSWORD_PATH } from './passwordPage.js';
import { communeClock } from '../core/communeTime.js';

export const ACCOUNT_LINK_PATH = `${STAFF_BASE_PATH}/account/link`;

const CHANNEL_LABELS: Readonly<Record<StaffChatChannel, string>> = { telegram: 'Telegram', zalo: 'Zalo' };

/** "15:40" in the commune's time. */
export function localTime(d: Date): string {
  return communeClock(d).time;
}

export interface AccountPageData {
  readonly name: string;
  readonly csrfToken: string;
  readonly links: readonly StaffChatLink[];
  readonly channels: readonly StaffChatChannel[];
  /** A code just made: shown this once. */
  readonly fresh?: { readonly code: string; readonly expiresAt: Date };
  /** An earlier code still usable (its text is not kept, so only its expiry is known). */
  readonly liveUntil?: Date;
  readonly notice?: string;
  readonly error?: string;
}

function linkRow(d: AccountPageData, channel: StaffChatChannel): Html {
  const link = d.links.find((l) => l.channel === channel);
  const label = CHANNEL_LABELS[channel];
  if (!link) return html`<li><strong>${label}</strong>: chưa liên kết.</li>`;
  return html`<li>
    <strong>${label}</strong>: đã liên kết từ ngày ${communeClock(new Date(link.linkedAt)).date}.
    <form method="post" action="${ACCOUNT_LINK_PATH}/unlink">
      ${csrfField(d.csrfToken)}
      <input type="hidden" name="channel" value="${channel}" />
      <button type="submit">Hủy liên kết ${label}</button>
    </form>
  </li>`;
}

function freshCode(fresh: NonNullable<AccountPageData['fresh']>): Html {
  const shown = `${fresh.code.slice(0, 4)} ${fresh.code.slice(4)}`;
  return html`<div class="code-box" role="status">
    <p>Mã liên kết của anh/chị:</p>
    <p class="code">${shown}</p>
    <p>
      Mở Telegram hoặc Zalo, vào cuộc trò chuyện riêng với trợ lý của xã và gửi đúng tin nhắn:
      <strong>/canbo ${fresh.code}</strong>
    </p>
    <p class="hint">
      Mã dùng một lần, hết hạn lúc ${localTime(fresh.expiresAt)} (sau ${STAFF_CODE_MINUTES} phút). Không gửi mã cho
      người khác và không gửi trong nhóm.
    </p>
  </div>`;
}

export function accountBody(d: AccountPageData): Html {
  return html`<div class="card">
    <h1>Tài khoản của ${d.name}</h1>
    <h2>Liên kết Telegram/Zalo</h2>
    <p>
      Khi tài khoản Telegram hoặc Zalo của anh/chị được liên kết, anh/chị gõ <strong>/thongke</strong> với trợ lý để xem
      nhanh số người hoàn thành chương trình hôm nay, tuần này và tổng cộng.
    </p>
    ${d.error ? html`<p class="error" role="alert">${d.error}</p>` : ''}
    ${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''}
    <ul class="chat-links">
      ${d.channels.map((c) => linkRow(d, c))}
    </ul>
    ${d.fresh ? freshCode(d.fresh) : ''}
    ${
      !d.fresh && d.liveUntil
        ? html`<p class="hint">
            Anh/chị đã lấy một mã, còn dùng được đến ${localTime(d.liveUntil)}. Lấy mã mới thì mã cũ hết hiệu lực.
          </p>`
        : ''
    }
    <form method="post" action="${ACCOUNT_LINK_PATH}">
      ${csrfField(d.csrfToken)}
      <button type="submit">Liên kết Telegram/Zalo</button>
    </form>
    <h2>Mật khẩu</h2>
    <p><a href="${PASSWORD_PATH}">Đổi mật khẩu đăng nhập</a></p>
  </div>`;
}
