/**
 * @module content/communeHamlets
 *
 * The hamlet (xóm/khối) list, whether staff write it under `hamlets:` in
 * commune.yaml or type it in the staff console: one validator for both, so a
 * list the console accepts is a list the file accepts and the other way
 * round. Messages are in Vietnamese because the staff who fix them read them
 * in the console, in `cli quiz check` and in the start-up log.
 */
import { z } from 'zod';
import type { NamedItem } from '../core/registry/types.js';
import { formatIssues, isMapping, SLUG } from './validation.js';

/** Longest hamlet name: it becomes a button label in Zalo and Telegram. */
export const HAMLET_NAME_MAX = 80;

/** Longest hamlet id, as for every id in commune.yaml. */
export const HAMLET_ID_MAX = 64;

/** More hamlets than any commune has; stops a pasted spreadsheet from becoming 10 000 buttons. */
export const MAX_HAMLETS = 200;

const HamletSchema = z.object({
  id: z
    .string({ error: (i) => (i.input === undefined ? 'bị thiếu' : 'phải là chữ, ví dụ xom-1') })
    .max(HAMLET_ID_MAX, `dài quá ${HAMLET_ID_MAX} ký tự`)
    .regex(SLUG, 'chỉ gồm chữ thường không dấu a–z, chữ số và dấu gạch ngang, ví dụ "xom-1"'),
  name: z
    .string({ error: (i) => (i.input === undefined ? 'bị thiếu' : 'phải là chữ, viết trong dấu "ngoặc kép"') })
    .transform((raw, ctx) => {
      const s = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
      if (s.length === 0) ctx.addIssue({ code: 'custom', message: 'đang để trống' });
      const length = [...s].length;
      if (length > HAMLET_NAME_MAX) {
        ctx.addIssue({ code: 'custom', message: `dài ${length} ký tự (tối đa ${HAMLET_NAME_MAX})` });
      }
      return s;
    }),
});

/** Field names staff read in place of the YAML keys. */
const FIELD: Readonly<Record<string, string>> = { id: 'mã', name: 'tên' };

function issueLines(error: z.ZodError): string[] {
  return formatIssues(error).map((line) => line.replace(/^(id|name):/, (_m, key: string) => `${FIELD[key]}:`));
}

/**
 * Validates a list of `{id, name}` hamlets. A bad or repeated entry is left
 * out and named (`<where> #n: …`); the rest are kept in order. Absent gives
 * an empty list with a problem; YAML `hamlets:` with nothing after it (null)
 * is an empty list.
 *
 * @param where how a problem line starts, e.g. `commune.yaml: hamlets`
 */
export function parseHamlets(raw: unknown, where: string, problems: string[]): NamedItem[] {
  if (raw === null) return [];
  if (raw === undefined) {
    problems.push(`${where}: bị thiếu (viết "hamlets: []" khi chưa có xóm/khối nào)`);
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.push(`${where}: phải là danh sách các dòng "- id: … / name: …"; chưa dùng xóm/khối nào`);
    return [];
  }
  if (raw.length > MAX_HAMLETS) {
    problems.push(`${where}: có ${raw.length} xóm/khối, nhiều hơn mức tối đa ${MAX_HAMLETS}; chưa dùng xóm/khối nào`);
    return [];
  }
  const items: NamedItem[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const label = `${where} #${index + 1}`;
    const result = HamletSchema.safeParse(entry);
    if (!result.success) {
      const detail = isMapping(entry) ? issueLines(result.error).join('; ') : 'phải gồm mã (id) và tên (name)';
      problems.push(`${label}: ${detail}; bỏ qua`);
      return;
    }
    if (seen.has(result.data.id)) {
      problems.push(`${label}: mã "${result.data.id}" bị trùng với một xóm/khối ở trên; bỏ qua`);
      return;
    }
    // Two buttons with one label would leave a resident guessing which is theirs.
    const folded = result.data.name.toLocaleLowerCase('vi');
    if (names.has(folded)) {
      problems.push(`${label}: tên "${result.data.name}" bị trùng với một xóm/khối ở trên; bỏ qua`);
      return;
    }
    seen.add(result.data.id);
    names.add(folded);
    items.push({ id: result.data.id, name: result.data.name });
  });
  return items;
}
