/**
 * @module content/communeSettings
 *
 * The commune as the service uses it: knowledge/commune.yaml, with the
 * sections staff saved in the console laid over it. Both forms go through
 * the same section validators (communeHamlets, communeContacts); what staff
 * type is refused whole when any part is wrong (they are in front of the form
 * and can fix it), while a file with a mistake still loads what is right.
 *
 * It also holds the one rule that protects the figures: a hamlet id that
 * anything was recorded under is permanent. Its display name may change; the
 * id may not be changed or removed, or the records under it would silently
 * belong to no hamlet.
 */
import type { CommuneOverrides, HamletUsage } from '../core/stores/communeSettings.js';
import type { NamedItem } from '../core/registry/types.js';
import { CONTACTS_WHERE, contactsToRaw, parseContacts } from './communeContacts.js';
import { parseHamlets } from './communeHamlets.js';
import type { CommuneConfig } from './loadCommune.js';

/** How console problems start: staff know these sections by their headings on the page. */
export const CONSOLE_HAMLETS = 'Danh sách xóm/khối';
export const CONSOLE_CONTACTS = 'Thông tin liên hệ';

/**
 * The commune with the console's sections over the file's. Contacts are
 * re-checked against the resulting hamlets, so a team of a hamlet that is no
 * longer listed is left out (and named) whichever form it came from.
 */
export function applyOverrides(
  base: CommuneConfig,
  overrides: CommuneOverrides,
): { commune: CommuneConfig; problems: string[] } {
  const problems: string[] = [];
  const hamlets = overrides.hamlets ? parseHamlets(overrides.hamlets, CONSOLE_HAMLETS, problems) : base.hamlets;
  const contacts = overrides.contacts
    ? parseContacts(overrides.contacts, hamlets, problems, CONSOLE_CONTACTS)
    : parseContacts(contactsToRaw(base.contacts), hamlets, problems, CONTACTS_WHERE);
  return { commune: { ...base, hamlets, contacts }, problems };
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: string[] };

/** A hamlet list typed in the console: accepted only when every row is right. */
export function checkHamletsInput(raw: unknown): Checked<NamedItem[]> {
  const errors: string[] = [];
  const hamlets = parseHamlets(raw, CONSOLE_HAMLETS, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: hamlets };
}

/** Contacts typed in the console, in commune.yaml's shape, against the hamlets in force. */
export function checkContactsInput(
  raw: Record<string, unknown>,
  hamlets: readonly NamedItem[],
): Checked<Record<string, unknown>> {
  const errors: string[] = [];
  const contacts = parseContacts(raw, hamlets, errors, CONSOLE_CONTACTS);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: contactsToRaw(contacts) };
}

/** One row of the hamlet form: the id it had when the page was shown, if it existed then. */
export interface HamletEdit extends NamedItem {
  readonly previousId?: string;
}

/** Ids the edit would take away from the list: removed rows, and rows whose id was changed. */
export function idsTakenAway(
  current: readonly NamedItem[],
  next: readonly HamletEdit[],
): { readonly id: string; readonly name: string; readonly renamedTo?: string }[] {
  const kept = new Set(next.map((h) => h.id));
  return current
    .filter((h) => !kept.has(h.id))
    .map((h) => {
      const renamedTo = next.find((n) => n.previousId === h.id)?.id;
      return renamedTo === undefined ? { id: h.id, name: h.name } : { id: h.id, name: h.name, renamedTo };
    });
}

/** What uses a hamlet id, in words, or undefined when nothing does. */
export function describeUsage(u: HamletUsage): string | undefined {
  const parts = [
    ...(u.citizens > 0 ? [`${u.citizens} hồ sơ người dân`] : []),
    ...(u.anonymous > 0 ? ['kết quả học tập đã lưu ẩn danh'] : []),
    ...(u.population > 0 ? ['số liệu dân số hoặc số người đã xác nhận trên VNeID'] : []),
    ...(u.staff > 0 ? [`${u.staff} tài khoản cán bộ`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * The refusal, in Vietnamese, for each id the edit would take away although
 * something is recorded under it; empty when the edit is allowed.
 */
export function usedIdRefusals(
  takenAway: readonly { readonly id: string; readonly name: string; readonly renamedTo?: string }[],
  usage: ReadonlyMap<string, HamletUsage>,
): string[] {
  const out: string[] = [];
  for (const h of takenAway) {
    const u = usage.get(h.id);
    const what = u ? describeUsage(u) : undefined;
    if (what === undefined) continue;
    const action =
      h.renamedTo === undefined
        ? `Không xóa được xóm/khối "${h.name}" (mã ${h.id})`
        : `Không đổi được mã của xóm/khối "${h.name}" từ "${h.id}" thành "${h.renamedTo}"`;
    out.push(
      `${action}: mã này đã được dùng (${what}). Số liệu được lưu theo mã, nên đổi hay xóa mã sẽ tách số liệu cũ ` +
        'khỏi xóm/khối. Anh/chị chỉ có thể sửa tên hiển thị của xóm/khối này.',
    );
  }
  return out;
}
