/**
 * @module staff/learningSource
 *
 * Checks the source staff give for an answer, because an answer without a
 * checkable source is exactly what the assistant must never say: a knowledge
 * document must exist in the index; an address must be https and, so that no
 * invented address slips through, on an official site the knowledge folder
 * itself cites (front-matter `url`), unless staff confirm they checked it
 * (accepted, with a warning kept in the revision and the audit log); a
 * decision of the commune needs who signed it and when.
 */
import type { ConsoleSource } from '../core/stores/consoleFaq.js';
import { isConsoleRef } from '../rag/consoleFaq.js';

export interface SourceInput {
  readonly sourceKind: 'doc' | 'url' | 'decision';
  readonly sourceRef?: string;
  readonly sourceUrl?: string;
  readonly sourceTitle?: string;
  readonly confirmUnlisted?: boolean;
  readonly decisionTitle?: string;
  readonly signer?: string;
  readonly signedOn?: string;
}

export type SourceCheck =
  | { readonly ok: true; readonly source: ConsoleSource; readonly warning?: string }
  | { readonly ok: false; readonly message: string };

/** A real YYYY-MM-DD day (not 2026-02-31). */
function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/** Host names of the official sites the knowledge documents cite (`www.` dropped). */
export function officialHosts(documents: readonly { ref: string; kind: string; url?: string }[]): string[] {
  const hosts = new Set<string>();
  for (const d of documents) {
    if (d.kind !== 'doc' || !d.url || isConsoleRef(d.ref)) continue;
    try {
      const u = new URL(d.url);
      if (u.protocol === 'https:') hosts.add(u.hostname.replace(/^www\./, '').toLowerCase());
    } catch {
      // A malformed address in front matter is the ingestion report's business, not a source.
    }
  }
  return [...hosts].sort();
}

function onList(host: string, hosts: readonly string[]): boolean {
  const h = host.replace(/^www\./, '').toLowerCase();
  return hosts.some((o) => h === o || h.endsWith(`.${o}`));
}

/**
 * Validates a source against the index's documents.
 * @param today YYYY-MM-DD (commune calendar): a decision cannot be signed later than today
 */
export function checkSource(
  input: SourceInput,
  documents: readonly { ref: string; kind: string; url?: string; title?: string }[],
  today: string,
): SourceCheck {
  if (input.sourceKind === 'doc') {
    const ref = input.sourceRef?.trim() ?? '';
    if (!ref) return { ok: false, message: 'Hãy chọn tài liệu làm nguồn cho câu trả lời.' };
    const doc = documents.find((d) => d.ref === ref && d.kind === 'doc' && !isConsoleRef(d.ref));
    if (!doc) return { ok: false, message: `Không có tài liệu "${ref}" trong thư mục tri thức.` };
    return { ok: true, source: { kind: 'doc', ref } };
  }
  if (input.sourceKind === 'url') {
    const raw = input.sourceUrl?.trim() ?? '';
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, message: 'Địa chỉ trang nguồn không hợp lệ (cần dạng https://…).' };
    }
    if (url.protocol !== 'https:') return { ok: false, message: 'Địa chỉ trang nguồn phải bắt đầu bằng https://.' };
    if (url.username || url.password)
      return { ok: false, message: 'Địa chỉ trang nguồn không được chứa tên đăng nhập.' };
    const title = input.sourceTitle?.trim();
    const source: ConsoleSource = { kind: 'url', url: url.toString(), ...(title && { title }) };
    const hosts = officialHosts(documents);
    if (onList(url.hostname, hosts)) return { ok: true, source };
    if (!input.confirmUnlisted) {
      return {
        ok: false,
        message:
          `Trang ${url.hostname} không nằm trong danh sách trang chính thức mà tài liệu của xã trích dẫn ` +
          `(${hosts.join(', ') || 'chưa có'}). Nếu đã kiểm tra đây đúng là trang chính thức, hãy đánh dấu ô xác nhận.`,
      };
    }
    return {
      ok: true,
      source,
      warning: `Trang ${url.hostname} không thuộc danh sách trang chính thức; cán bộ đã xác nhận đã kiểm tra.`,
    };
  }
  const title = input.decisionTitle?.trim() ?? '';
  const signer = input.signer?.trim() ?? '';
  const date = input.signedOn?.trim() ?? '';
  if (!title) return { ok: false, message: 'Hãy ghi tên văn bản hoặc quyết định của xã.' };
  if (!signer) return { ok: false, message: 'Hãy ghi người ký quyết định.' };
  if (!isCalendarDay(date)) {
    return { ok: false, message: 'Ngày ký không hợp lệ (cần dạng năm-tháng-ngày, ví dụ 2026-12-01).' };
  }
  if (date > today) return { ok: false, message: 'Ngày ký không thể sau ngày hôm nay.' };
  return { ok: true, source: { kind: 'decision', title, signer, date } };
}
