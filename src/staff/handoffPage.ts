/**
 * @module staff/handoffPage
 *
 * The "Hỏi cán bộ" pages, server-rendered in Vietnamese: the inbox of
 * conversations residents handed to a person, and one conversation with its
 * messages (resident, staff reply with its delivery state, private note,
 * system line each styled apart), the reply, note and "Xong" forms, and for
 * administrators "save this reply as an FAQ" (the learning loop's form). The
 * pages work as plain forms; handoff.js (loaded from a file: the CSP allows
 * no inline script) adds the live feed. Never a phone number or a channel
 * user id: staff see the hamlet, the channel and the times. Every value is
 * escaped by Hono's `html` template.
 */
import { html } from 'hono/html';
import { channelLabel as coreChannelLabel } from '../core/handoff/texts.js';
import { communeClock } from '../core/communeTime.js';
import type { HandoffDelivery, HandoffMessage, HandoffThread, ReplyCheck } from '../core/stores/handoff.js';
import { STAFF_BASE_PATH } from './accounts.js';
import { faqForm, type FaqValues } from './handoffFaqForm.js';
import { MAX_HANDOFF_TEXT } from './handoffSchemas.js';
import { csrfField, staffPage, type Html } from './pages.js';

export const HANDOFF_PATH = `${STAFF_BASE_PATH}/hoi-dap`;
export const HANDOFF_ASSETS = {
  stylesheet: `${HANDOFF_PATH}/handoff.css`,
  script: `${HANDOFF_PATH}/handoff.js`,
} as const;

export const DELIVERY_LABELS: Readonly<Record<HandoffDelivery, string>> = {
  none: '',
  pending: 'đang gửi',
  sent: 'đã gửi',
  held: 'đang chờ người dân nhắn lại',
  failed: 'gửi không được',
};

export const CHECK_LABELS: Readonly<Record<ReplyCheck, string>> = {
  otp: 'mã OTP',
  password: 'mật khẩu',
  link: 'đường link ngoài danh sách cho phép',
};

/** The channel's name as the inbox shows it, capitalised at the start of its cell (core/handoff/texts.ts words it). */
export function channelLabel(channel: string): string {
  const label = coreChannelLabel(channel);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** "08:05 01/12/2026" in the commune's time, from an ISO instant. */
export function communeTimeText(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const { date, time } = communeClock(new Date(t));
  return `${time} ${date}`;
}

/** What a thread row shows: no user id, no citizen id, no number. */
export interface ThreadView {
  readonly id: number;
  readonly hamlet: string;
  readonly channel: string;
  readonly opened: string;
  readonly last: string;
  readonly unread: number;
  readonly open: boolean;
  readonly reason: string;
}

export function threadView(t: HandoffThread, hamletName: (id: string | undefined) => string): ThreadView {
  return {
    id: t.id,
    hamlet: hamletName(t.hamletId),
    channel: channelLabel(t.channel),
    opened: communeTimeText(t.openedAt),
    last: communeTimeText(t.lastAt),
    unread: t.unread,
    open: t.status === 'open',
    reason: t.reason === 'asked' ? 'người dân hỏi gặp cán bộ' : 'nhận lời đề nghị của trợ lý',
  };
}

function threadRow(t: ThreadView): Html {
  return html`<tr data-thread="${t.id}" class="${t.open ? 'open' : 'closed'}">
    <td><a href="${HANDOFF_PATH}/${t.id}">${t.hamlet}</a></td>
    <td>${t.channel}</td>
    <td>${t.opened}</td>
    <td data-last>${t.last}</td>
    <td><span class="unread" data-unread>${t.unread > 0 ? String(t.unread) : ''}</span></td>
    <td>${t.open ? 'Đang chờ cán bộ' : 'Đã xong'}</td>
  </tr>`;
}

export interface InboxData {
  readonly threads: readonly ThreadView[];
  /** The live feed starts after this message id (see handoffEvents). */
  readonly after: number;
  readonly nav: Html;
  readonly scopeText: string;
  readonly notice?: string;
}

export function inboxPage(d: InboxData): Html {
  return staffPage(
    'Hỏi cán bộ',
    html`<div id="handoff" data-page="inbox" data-events="${HANDOFF_PATH}/events?sau=${d.after}">
      <h1>Hỏi cán bộ</h1>
      <p class="muted">
        Người dân muốn nói chuyện với cán bộ (${d.scopeText}). Trong lúc cán bộ phụ trách, trợ lý không trả lời; bấm
        “Xong” để trả cuộc trò chuyện lại cho trợ lý.
      </p>
      <p id="handoff-live" class="notice" role="status" aria-live="polite">${d.notice ?? ''}</p>
      <table class="threads">
        <thead>
          <tr>
            <th>Xóm/khối</th>
            <th>Kênh</th>
            <th>Bắt đầu</th>
            <th>Tin mới nhất</th>
            <th>Chưa đọc</th>
            <th>Trạng thái</th>
          </tr>
        </thead>
        <tbody id="thread-rows">
          ${d.threads.map(threadRow)}
        </tbody>
      </table>
      ${d.threads.length === 0 ? html`<p id="inbox-empty" class="muted">Chưa có người dân nào cần gặp cán bộ.</p>` : ''}
    </div>`,
    d.nav,
    HANDOFF_ASSETS,
  );
}

/** What staff typed in a form that was refused, with why: shown again, never lost. */
export interface Draft {
  readonly text: string;
  readonly error?: string;
  /** The reply needs a second confirmation for these. */
  readonly checks?: readonly ReplyCheck[];
}

export interface ThreadData {
  readonly thread: ThreadView;
  readonly messages: readonly HandoffMessage[];
  readonly after: number;
  readonly csrfToken: string;
  readonly nav: Html;
  /** An administrator may save a reply as an FAQ entry (the learning loop's rule). */
  readonly canFaq: boolean;
  readonly documents: readonly { ref: string; title: string }[];
  readonly closedAt?: string;
  readonly notice?: string;
  readonly error?: string;
  readonly reply?: Draft;
  readonly note?: Draft;
  /** A refused FAQ form: for which message, what was typed, and why. */
  readonly faq?: { readonly messageId: number; readonly values: FaqValues; readonly error: string };
}

const WHO: Readonly<Record<HandoffMessage['author'], string>> = {
  resident: 'Người dân',
  staff: 'Cán bộ',
  note: 'Ghi chú nội bộ (người dân không thấy)',
  system: 'Hệ thống',
};

function deliveryBadge(m: HandoffMessage): Html | string {
  if (m.author !== 'staff' || m.delivery === 'none') return '';
  return html` · <span class="delivery" data-delivery="${m.delivery}">${DELIVERY_LABELS[m.delivery]}</span>`;
}

function messageItem(d: ThreadData, m: HandoffMessage, question: string): Html {
  return html`<li class="msg msg-${m.author}" data-id="${m.id}" id="m${m.id}">
    <p class="who">${WHO[m.author]} · ${communeTimeText(m.at)}${deliveryBadge(m)}</p>
    <p class="text">${m.text}</p>
    ${
      d.canFaq && m.author === 'staff'
        ? faqForm({
            action: `${HANDOFF_PATH}/${d.thread.id}/faq`,
            csrfToken: d.csrfToken,
            message: m,
            question,
            documents: d.documents,
            ...(d.faq?.messageId === m.id && { refused: d.faq }),
          })
        : ''
    }
  </li>`;
}

/** Each message with the resident's message before it (the question an FAQ made from a staff reply answers). */
function withQuestions(messages: readonly HandoffMessage[]): { m: HandoffMessage; question: string }[] {
  let question = '';
  return messages.map((m) => {
    if (m.author === 'resident') question = m.text;
    return { m, question };
  });
}

function confirmBox(d: ThreadData, draft: Draft): Html | string {
  if (!draft.checks || draft.checks.length === 0) return '';
  const found = draft.checks.map((k) => CHECK_LABELS[k]).join(', ');
  return html`<div class="warning" role="alert">
    <p>
      <strong>Tin nhắn này có ${found}.</strong> Kẻ gian hay hỏi mã OTP, mật khẩu hoặc gửi đường link lạ để chiếm tài
      khoản; cán bộ không bao giờ cần mã OTP hay mật khẩu của người dân. Anh/chị chắc chắn muốn gửi?
    </p>
    <form method="post" action="${HANDOFF_PATH}/${d.thread.id}/tra-loi">
      ${csrfField(d.csrfToken)}
      <input type="hidden" name="text" value="${draft.text}" />
      <input type="hidden" name="confirmed" value="1" />
      <button type="submit" class="danger">Vẫn gửi</button>
    </form>
    <p class="hint">Hoặc sửa tin nhắn bên dưới rồi bấm “Gửi”.</p>
  </div>`;
}

function forms(d: ThreadData): Html {
  if (!d.thread.open) {
    // What staff wrote just as the thread closed is shown to copy, never dropped.
    const unsent = [d.reply, d.note].filter((x): x is Draft => x !== undefined && x.text !== '');
    return html`${unsent.map(
        (x) =>
          html`<p class="error" role="alert">${x.error ?? ''}</p>
            <label for="unsent-${unsent.indexOf(x)}">Nội dung chưa gửi</label>
            <textarea id="unsent-${unsent.indexOf(x)}" rows="4" readonly>${x.text}</textarea>`,
      )}
      <p class="muted">
        Cuộc trò chuyện đã xong${d.closedAt ? ` lúc ${communeTimeText(d.closedAt)}` : ''}; trợ lý đang trả lời người
        dân.
      </p>`;
  }
  const reply = d.reply ?? { text: '' };
  const note = d.note ?? { text: '' };
  const base = `${HANDOFF_PATH}/${d.thread.id}`;
  return html`<section class="compose">
    ${confirmBox(d, reply)}
    <form method="post" action="${base}/tra-loi" class="stack">
      ${csrfField(d.csrfToken)} ${reply.error ? html`<p class="error" role="alert">${reply.error}</p>` : ''}
      <label for="reply-text">Trả lời người dân</label>
      <textarea id="reply-text" name="text" rows="4" required maxlength="${MAX_HANDOFF_TEXT}">${reply.text}</textarea>
      <button type="submit">Gửi</button>
    </form>
    <form method="post" action="${base}/ghi-chu" class="stack">
      ${csrfField(d.csrfToken)} ${note.error ? html`<p class="error" role="alert">${note.error}</p>` : ''}
      <label for="note-text">Ghi chú nội bộ (người dân không thấy)</label>
      <textarea id="note-text" name="text" rows="2" required maxlength="${MAX_HANDOFF_TEXT}">${note.text}</textarea>
      <button type="submit" class="secondary">Lưu ghi chú</button>
    </form>
    <form method="post" action="${base}/xong">
      ${csrfField(d.csrfToken)}
      <button type="submit" class="done">Xong</button>
      <span class="hint">Trả cuộc trò chuyện lại cho trợ lý; người dân được báo.</span>
    </form>
  </section>`;
}

/** A refused FAQ form that names no staff reply on the page: its error goes above the messages. */
function faqElsewhere(d: ThreadData): boolean {
  const faq = d.faq;
  return faq !== undefined && !d.messages.some((m) => m.id === faq.messageId && m.author === 'staff');
}

export function threadPage(d: ThreadData): Html {
  const t = d.thread;
  return staffPage(
    `Hỏi cán bộ – ${t.hamlet}`,
    html`<div
      id="handoff"
      data-page="thread"
      data-thread="${t.id}"
      data-events="${HANDOFF_PATH}/events?sau=${d.after}"
      data-messages="${HANDOFF_PATH}/${t.id}/tin-nhan"
    >
      <p><a href="${HANDOFF_PATH}">← Tất cả cuộc trò chuyện</a></p>
      <h1>${t.hamlet} · ${t.channel}</h1>
      <p class="meta">Bắt đầu ${t.opened} (${t.reason}) · ${t.open ? 'đang chờ cán bộ' : 'đã xong'}</p>
      <p id="handoff-live" class="notice" role="status" aria-live="polite">${d.notice ?? ''}</p>
      ${d.error ? html`<p class="error" role="alert">${d.error}</p>` : ''}
      ${faqElsewhere(d) ? html`<p class="error" role="alert">${d.faq?.error}</p>` : ''}
      <ol id="messages" class="messages">
        ${withQuestions(d.messages).map(({ m, question }) => messageItem(d, m, question))}
      </ol>
      ${forms(d)}
    </div>`,
    d.nav,
    HANDOFF_ASSETS,
  );
}

/** A refusal with nothing to show again (a thread that is not there for this account). */
export function handoffErrorPage(title: string, text: string, nav: Html): Html {
  return staffPage(
    title,
    html`<div class="card">
      <h1>${title}</h1>
      <p>${text}</p>
      <p><a href="${HANDOFF_PATH}">Về danh sách “Hỏi cán bộ”</a></p>
    </div>`,
    nav,
    HANDOFF_ASSETS,
  );
}
