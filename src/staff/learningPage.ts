/**
 * @module staff/learningPage
 *
 * The learning loop's page, server-rendered in Vietnamese: the weekly
 * figures, the groups of questions the assistant could not answer (how many
 * questions and residents, what it answered when a resident said 👎, the
 * pages retrieval found), and for administrators the forms that answer a
 * group, add it to an existing entry, or ignore it; then the entries written
 * here, each with its history and a revert. Plain forms and no script, so
 * the console's strict CSP (no inline script or style) holds and it works on
 * any browser; every value is escaped by Hono's `html` template.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { WeekFigures } from '../core/learning/weekly.js';
import { sourceTitle, vietnameseDate } from '../rag/consoleFaq.js';
import type { ConsoleRevision } from '../core/stores/consoleFaq.js';
import type { CandidatePage, GroupState, GroupView } from './learningService.js';
import { csrfField, staffPage } from './pages.js';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const LEARNING_PATH = '/staff/learning';

export interface LearningPageData {
  readonly state: GroupState;
  readonly groups: readonly { view: GroupView; candidates: readonly CandidatePage[] }[];
  readonly weekly: readonly WeekFigures[];
  readonly entries: readonly { id: string; baseFaqId: string | null; live?: ConsoleRevision; last: ConsoleRevision }[];
  readonly faqIds: readonly { id: string; question: string }[];
  readonly documents: readonly { ref: string; title: string }[];
  /** Recent questions set aside as out of scope or without a topic, which staff may flag. */
  readonly setAside: readonly { id: number; question: string; kind: string; createdAt: string }[];
  readonly canDecide: boolean;
  readonly csrfToken: string;
  readonly notice?: string;
  readonly error?: string;
  /** The console's navigation bar (staff/consoleNav.ts). */
  readonly nav?: Html;
}

const STATE_LABELS: Record<GroupState, string> = {
  open: 'Đang chờ trả lời',
  answered: 'Đã trả lời',
  ignored: 'Đã bỏ qua',
};

const KIND_LABELS: Record<string, string> = {
  miss: 'chưa trả lời được',
  'thumbs-down': 'bị chê 👎',
  flag: 'cán bộ đánh dấu',
  staff: 'cán bộ ghi lại',
};

function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}

function day(iso: string | null): string {
  return iso ? vietnameseDate(iso.slice(0, 10)) : '–';
}

function weeklyTable(weeks: readonly WeekFigures[]): Html {
  return html`<table>
    <caption>
      Số liệu theo tuần (thứ Hai đến Chủ nhật)
    </caption>
    <thead>
      <tr>
        <th>Tuần từ</th>
        <th>Câu hỏi</th>
        <th>Chưa trả lời được</th>
        <th>Trả lời bằng câu do xã duyệt</th>
        <th>Nhóm được trả lời</th>
        <th>Số ngày chờ (trung vị)</th>
      </tr>
    </thead>
    <tbody>
      ${weeks.map(
        (w) =>
          html`<tr>
            <td>${vietnameseDate(w.weekStart)}</td>
            <td>${w.asked}</td>
            <td>${pct(w.shareUnanswered)}</td>
            <td>${pct(w.shareByConsole)}</td>
            <td>${w.groupsAnswered}</td>
            <td>${w.medianDaysToAnswer === null ? '–' : String(w.medianDaysToAnswer)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function answerForm(d: LearningPageData, g: GroupView, action: string): Html {
  const others = g.wordings.filter((w) => w !== g.representative).join('\n');
  return html`<details>
    <summary>Soạn câu trả lời mới cho cả nhóm</summary>
    <form method="post" action="${action}/answer" class="stack">
      ${csrfField(d.csrfToken)}
      <label>Câu hỏi <input name="question" required maxlength="300" value="${g.representative}" /></label>
      <label
        >Các cách hỏi khác (mỗi dòng một câu) <textarea name="variants" rows="4" maxlength="15000">${others}</textarea>
      </label>
      <label>Câu trả lời <textarea name="answer" rows="5" required minlength="10" maxlength="2000"></textarea></label>
      <fieldset>
        <legend>Nguồn (bắt buộc)</legend>
        <label><input type="radio" name="sourceKind" value="doc" checked /> Tài liệu trong thư mục tri thức</label>
        <select name="sourceRef">
          <option value="">– chọn tài liệu –</option>
          ${d.documents.map((doc) => html`<option value="${doc.ref}">${doc.title} (${doc.ref})</option>`)}
        </select>
        <label><input type="radio" name="sourceKind" value="url" /> Trang web chính thức</label>
        <input name="sourceUrl" type="url" placeholder="https://…" maxlength="500" />
        <input name="sourceTitle" placeholder="Tên trang (không bắt buộc)" maxlength="200" />
        <label
          ><input type="checkbox" name="confirmUnlisted" /> Tôi đã kiểm tra đây là trang chính thức (khi trang không nằm
          trong danh sách)</label
        >
        <label><input type="radio" name="sourceKind" value="decision" /> Quyết định, thông báo của xã</label>
        <input name="decisionTitle" placeholder="Tên văn bản, như trên bản giấy" maxlength="300" />
        <input name="signer" placeholder="Người ký" maxlength="120" />
        <label>Ngày ký <input name="signedOn" type="date" /></label>
      </fieldset>
      <label>Lý do (ghi vào lịch sử) <input name="reason" maxlength="500" /></label>
      <button type="submit">Duyệt và đưa vào trợ lý</button>
    </form>
  </details>`;
}

function attachForm(d: LearningPageData, action: string): Html {
  return html`<details>
    <summary>Thêm các câu hỏi này làm cách hỏi khác của một câu đã có</summary>
    <form method="post" action="${action}/attach" class="stack">
      ${csrfField(d.csrfToken)}
      <select name="faqId" required>
        <option value="">– chọn câu hỏi thường gặp –</option>
        ${d.faqIds.map((f) => html`<option value="${f.id}">${f.question} (${f.id})</option>`)}
      </select>
      <label>Lý do (ghi vào lịch sử) <input name="reason" maxlength="500" /></label>
      <button type="submit">Thêm cách hỏi</button>
    </form>
  </details>`;
}

function groupCard(d: LearningPageData, g: GroupView, candidates: readonly CandidatePage[]): Html {
  const action = `${LEARNING_PATH}/groups/${encodeURIComponent(g.id)}`;
  const kinds = Object.entries(g.kinds)
    .map(([k, n]) => `${n} ${KIND_LABELS[k] ?? k}`)
    .join(', ');
  return html`<section class="group" id="${g.id}">
    <h3>${g.representative}</h3>
    <p class="meta">
      ${g.questions} câu hỏi, ${g.residents} người hỏi${kinds ? ` (${kinds})` : ''}; hỏi lần đầu ${day(g.firstAskedAt)},
      gần nhất
      ${day(g.lastAskedAt)}${
        g.state !== 'open' && g.sinceDecision > 0 ? `; ${g.sinceDecision} câu hỏi sau khi quyết định` : ''
      }
    </p>
    ${g.entryId ? html`<p class="meta">Trả lời bằng: ${g.entryId}</p>` : ''}
    ${g.reason ? html`<p class="meta">Lý do: ${g.reason}</p>` : ''}
    ${g.answerGiven ? html`<p><strong>Trợ lý đã trả lời (bị chê):</strong> ${g.answerGiven.slice(0, 400)}</p>` : ''}
    <ul class="wordings">
      ${g.wordings.map((w) => html`<li>${w}</li>`)}
    </ul>
    <p><strong>Trang gần nhất tìm được:</strong></p>
    <ul>
      ${
        candidates.length === 0
          ? html`<li>Không tìm thấy trang nào gần.</li>`
          : candidates.map((c) => html`<li>${c.title} <span class="meta">(${c.ref}, điểm ${c.score})</span></li>`)
      }
    </ul>
    ${
      d.canDecide && g.state === 'open'
        ? html`${answerForm(d, g, action)} ${attachForm(d, action)}
            <form method="post" action="${action}/ignore" class="inline">
              ${csrfField(d.csrfToken)}
              <input name="reason" placeholder="Lý do bỏ qua" maxlength="500" />
              <button type="submit" class="secondary">Bỏ qua nhóm này</button>
            </form>`
        : ''
    }
  </section>`;
}

function entryRow(d: LearningPageData, e: LearningPageData['entries'][number]): Html {
  const r = e.live ?? e.last;
  const src =
    r.source.kind === 'doc'
      ? r.source.ref
      : r.source.kind === 'base'
        ? `thêm cách hỏi cho ${e.baseFaqId ?? ''}`
        : sourceTitle(r.source);
  return html`<tr>
    <td>${e.id}</td>
    <td>${r.question || `(cách hỏi thêm cho ${e.baseFaqId ?? ''})`}</td>
    <td>${src}</td>
    <td>${e.live ? `phiên bản ${e.live.revision}` : 'đã rút lại'}</td>
    <td><a href="/staff/api/learning/entries/${e.id}/revisions">Lịch sử</a></td>
    <td>
      ${
        d.canDecide && e.live
          ? html`<form method="post" action="${LEARNING_PATH}/entries/${e.id}/revert" class="inline">
              ${csrfField(d.csrfToken)}
              <input name="reason" required minlength="3" maxlength="500" placeholder="Lý do hoàn tác" />
              <button type="submit" class="secondary">Hoàn tác</button>
            </form>`
          : ''
      }
    </td>
  </tr>`;
}

export function learningPage(d: LearningPageData): Html {
  return staffPage(
    'Câu hỏi chưa trả lời được',
    html`
      <h1>Câu hỏi trợ lý chưa trả lời được</h1>
      <p class="meta">
        Các câu hỏi giống nhau được gộp thành nhóm. Trả lời một lần cho cả nhóm: câu trả lời có nguồn, được duyệt là trợ
        lý dùng
        ngay.${d.canDecide ? '' : ' Tài khoản xóm/khối chỉ xem và đánh dấu câu hỏi; quản trị viên của xã duyệt câu trả lời.'}
      </p>
      ${d.error ? html`<p class="error" role="alert">${d.error}</p>` : ''}
      ${d.notice ? html`<p class="notice" role="status">${d.notice}</p>` : ''} ${weeklyTable(d.weekly)}
      <nav>
        ${(['open', 'answered', 'ignored'] as const).map((s) =>
          s === d.state
            ? html`<strong>${STATE_LABELS[s]}</strong> `
            : html`<a href="${LEARNING_PATH}?state=${s}">${STATE_LABELS[s]}</a> `,
        )}
      </nav>
      <h2>${STATE_LABELS[d.state]} (${d.groups.length} nhóm)</h2>
      ${d.groups.length === 0 ? html`<p>Không có nhóm câu hỏi nào.</p>` : ''}
      ${d.groups.map((g) => groupCard(d, g.view, g.candidates))}
      <h2>Câu hỏi trợ lý xếp ngoài phạm vi (gần đây)</h2>
      <p class="meta">Nếu trợ lý nên trả lời câu nào, hãy đánh dấu: câu đó sẽ vào danh sách nhóm ở trên.</p>
      ${
        d.setAside.length === 0
          ? html`<p>Không có câu hỏi nào.</p>`
          : html`<ul>
              ${d.setAside.map(
                (q) =>
                  html`<li>
                    ${q.question}
                    <span class="meta"
                      >(${q.kind === 'unclear' ? 'chưa rõ hỏi về gì' : 'ngoài phạm vi'}, ${day(q.createdAt)})</span
                    >
                    <form method="post" action="${LEARNING_PATH}/flag" class="inline">
                      ${csrfField(d.csrfToken)}
                      <input type="hidden" name="questionId" value="${String(q.id)}" />
                      <button type="submit" class="secondary">Đánh dấu</button>
                    </form>
                  </li>`,
              )}
            </ul>`
      }
      <h2>Ghi lại một câu hỏi</h2>
      <form method="post" action="${LEARNING_PATH}/flag" class="stack">
        ${csrfField(d.csrfToken)}
        <label
          >Câu hỏi người dân hỏi (ở bộ phận một cửa, qua điện thoại…)
          <input name="question" maxlength="300" minlength="3" required
        /></label>
        <label>Ghi chú <input name="note" maxlength="300" /></label>
        <button type="submit">Đánh dấu</button>
      </form>
      <h2>Câu trả lời do xã soạn</h2>
      ${
        d.entries.length === 0
          ? html`<p>Chưa có câu trả lời nào.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Mã</th>
                  <th>Câu hỏi</th>
                  <th>Nguồn</th>
                  <th>Đang dùng</th>
                  <th></th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${d.entries.map((e) => entryRow(d, e))}
              </tbody>
            </table>`
      }
    `,
    d.nav,
    { stylesheet: `${LEARNING_PATH}/learning.css` },
  );
}

/** A short page for a form that could not be carried out, with the way back. */
export function learningErrorPage(message: string): Html {
  return staffPage(
    'Chưa thực hiện được',
    html`<p class="error" role="alert">${message}</p>
      <p><a href="${LEARNING_PATH}">Quay lại danh sách câu hỏi</a></p>`,
    undefined,
    { stylesheet: `${LEARNING_PATH}/learning.css` },
  );
}
