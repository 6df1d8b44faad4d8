/**
 * @module staff/handoffFaqForm
 *
 * The "Lưu thành câu hỏi thường gặp" form under a staff reply: the question
 * (the resident's message before it, for staff to clean of anything
 * personal), other wordings, the answer (the reply), and the source the
 * learning loop requires (a knowledge document, an official page or a
 * commune decision), as in the learning loop's own answer form. A refused
 * form opens again with what was typed and why.
 */
import { html } from 'hono/html';
import type { HandoffMessage } from '../core/stores/handoff.js';
import { csrfField, type Html } from './pages.js';

export type FaqValues = Readonly<Record<string, string>>;

export interface FaqFormOptions {
  readonly action: string;
  readonly csrfToken: string;
  readonly message: HandoffMessage;
  /** The resident's message before the reply. */
  readonly question: string;
  readonly documents: readonly { ref: string; title: string }[];
  /** This form was refused: what staff typed, and why. */
  readonly refused?: { readonly values: FaqValues; readonly error: string };
}

export function faqForm(o: FaqFormOptions): Html {
  const { refused, message: m } = o;
  const v = (name: string, fallback = ''): string => refused?.values[name] ?? fallback;
  const kind = v('sourceKind', 'doc');
  const idp = `faq-${m.id}`;
  return html`<details class="faq" ${refused ? 'open' : ''}>
    <summary>Lưu thành câu hỏi thường gặp</summary>
    ${refused ? html`<p class="error" role="alert">${refused.error}</p>` : ''}
    <form method="post" action="${o.action}" class="stack">
      ${csrfField(o.csrfToken)}
      <input type="hidden" name="messageId" value="${m.id}" />
      <label for="${idp}-q">Câu hỏi (bỏ tên, số điện thoại và thông tin riêng của người dân)</label>
      <textarea id="${idp}-q" name="question" rows="2" required maxlength="300">${v('question', o.question)}</textarea>
      <label for="${idp}-v">Các cách hỏi khác (mỗi dòng một câu, không bắt buộc)</label>
      <textarea id="${idp}-v" name="variants" rows="2" maxlength="15000">${v('variants')}</textarea>
      <label for="${idp}-a">Câu trả lời</label>
      <textarea id="${idp}-a" name="answer" rows="4" required minlength="10" maxlength="2000">
${v('answer', m.text)}</textarea>
      <fieldset>
        <legend>Nguồn (bắt buộc)</legend>
        <label
          ><input type="radio" name="sourceKind" value="doc" ${kind === 'doc' ? 'checked' : ''} /> Tài liệu trong thư
          mục tri thức</label
        >
        <select name="sourceRef" aria-label="Tài liệu">
          <option value="">– chọn tài liệu –</option>
          ${o.documents.map(
            (doc) =>
              html`<option value="${doc.ref}" ${v('sourceRef') === doc.ref ? 'selected' : ''}>
                ${doc.title} (${doc.ref})
              </option>`,
          )}
        </select>
        <label
          ><input type="radio" name="sourceKind" value="url" ${kind === 'url' ? 'checked' : ''} /> Trang web chính
          thức</label
        >
        <input name="sourceUrl" type="url" placeholder="https://…" maxlength="500" value="${v('sourceUrl')}" />
        <input
          name="sourceTitle"
          placeholder="Tên trang (không bắt buộc)"
          maxlength="200"
          value="${v('sourceTitle')}"
        />
        <label
          ><input type="checkbox" name="confirmUnlisted" ${v('confirmUnlisted') ? 'checked' : ''} /> Tôi đã kiểm tra đây
          là trang chính thức (khi trang không nằm trong danh sách)</label
        >
        <label
          ><input type="radio" name="sourceKind" value="decision" ${kind === 'decision' ? 'checked' : ''} /> Quyết định,
          thông báo của xã</label
        >
        <input
          name="decisionTitle"
          placeholder="Tên văn bản, như trên bản giấy"
          maxlength="300"
          value="${v('decisionTitle')}"
        />
        <input name="signer" placeholder="Người ký" maxlength="120" value="${v('signer')}" />
        <label>Ngày ký <input name="signedOn" type="date" value="${v('signedOn')}" /></label>
      </fieldset>
      <label for="${idp}-r">Lý do (ghi vào lịch sử, không bắt buộc)</label>
      <input id="${idp}-r" name="reason" maxlength="500" value="${v('reason')}" />
      <p class="hint">Sau khi lưu, trợ lý dùng câu trả lời này ngay, như khi duyệt ở trang “Câu hỏi cần trả lời”.</p>
      <button type="submit">Lưu thành câu hỏi thường gặp</button>
    </form>
  </details>`;
}
