/**
 * @module content/communeContacts
 *
 * The `contacts:` section of commune.yaml: the one-stop office, the commune
 * police and each hamlet's community digital team. Staff type these by hand
 * and residents will dial what the assistant repeats, so every entry is
 * checked on its own: a phone number that does not look Vietnamese, or a team
 * for a hamlet that is not listed, is left out and named, and the rest still
 * loads. Messages are in Vietnamese because the staff who fix them read them
 * in `cli quiz check` and in the start-up log.
 */
import { z } from 'zod';
import type { CommuneContacts, ContactPoint, HamletTeamContact, NamedItem } from '../core/registry/types.js';
import { formatIssues, isMapping, SLUG } from './validation.js';

/** How a problem line starts when the contacts come from commune.yaml. */
export const CONTACTS_WHERE = 'commune.yaml: contacts';
const WHERE = CONTACTS_WHERE;

/** What `contacts:` holds when staff have filled in nothing yet. */
export const EMPTY_CONTACTS: CommuneContacts = { digitalTeams: [] };

const SECTION_KEYS = ['office', 'police', 'digital_teams'] as const;
const POINT_KEYS = ['address', 'hours', 'phone'] as const;
const TEAM_KEYS = ['hamlet', 'name', ...POINT_KEYS] as const;

/**
 * Whether `raw` looks like a Vietnamese phone number: a 10-digit mobile
 * (03, 05, 07, 08, 09), an 11-digit landline (02…), or a 1800/1900 line;
 * spaces, dots, dashes, brackets and a leading +84 are allowed.
 */
export function isVietnamesePhone(raw: string): boolean {
  const digits = raw.replace(/[\s.\-()]/g, '').replace(/^\+?84(?=[1-9])/, '0');
  return /^0[35789]\d{8}$/.test(digits) || /^02\d{9}$/.test(digits) || /^1[89]00\d{4,6}$/.test(digits);
}

/** Text staff write, NFC-normalised and trimmed, with Vietnamese messages. */
function text(max: number) {
  return z
    .string({ error: (i) => (i.input === undefined ? 'bị thiếu' : 'phải là chữ, viết trong dấu "ngoặc kép"') })
    .transform((raw, ctx) => {
      const s = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
      if (s.length === 0) ctx.addIssue({ code: 'custom', message: 'đang để trống' });
      const length = [...s].length;
      if (length > max) ctx.addIssue({ code: 'custom', message: `dài ${length} ký tự (tối đa ${max})` });
      return s;
    });
}

const PhoneSchema = z
  .string({
    error: (i) =>
      typeof i.input === 'number'
        ? 'phải viết trong dấu "ngoặc kép", ví dụ "0912 345 678" (không có ngoặc kép thì số 0 ở đầu bị mất)'
        : 'phải là số điện thoại viết trong dấu "ngoặc kép"',
  })
  .transform((raw) => raw.normalize('NFC').trim().replace(/\s+/g, ' '))
  .refine(isVietnamesePhone, {
    error: (i) =>
      `"${String(i.input)}" không giống số điện thoại Việt Nam (di động 10 số bắt đầu bằng 03, 05, 07, 08, 09; ` +
      'máy bàn 11 số bắt đầu bằng 02; hoặc đường dây 1800/1900)',
  });

const PointSchema = z.object({
  address: text(200).optional(),
  hours: text(120).optional(),
  phone: PhoneSchema.optional(),
});

const TeamSchema = PointSchema.extend({
  hamlet: z
    .string({ error: (i) => (i.input === undefined ? 'bị thiếu (mã xóm/khối, ví dụ xom-1)' : 'phải là mã xóm/khối') })
    .regex(SLUG, 'phải là mã xóm/khối như trong mục hamlets, ví dụ xom-1'),
  name: text(80).optional(),
});

/** Keys of `value` that `allowed` does not list, as a problem line, or undefined. */
function unknownKeys(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  return extra.length > 0
    ? `có mục không biết: ${extra.map((k) => `"${k}"`).join(', ')} (chỉ dùng ${allowed.join(', ')})`
    : undefined;
}

/** Drops keys whose value zod left undefined, so an entry compares equal to what staff wrote. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function parsePoint(raw: unknown, where: string, problems: string[]): ContactPoint | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isMapping(raw)) {
    problems.push(`${where}: phải gồm các dòng address, hours, phone (đang không đúng dạng); bỏ qua mục này`);
    return undefined;
  }
  const extra = unknownKeys(raw, POINT_KEYS);
  const result = PointSchema.safeParse(raw);
  if (extra || !result.success) {
    const details = [...(extra ? [extra] : []), ...(result.success ? [] : formatIssues(result.error))];
    problems.push(`${where}: ${details.join('; ')}; bỏ qua mục này`);
    return undefined;
  }
  const point = defined(result.data);
  return Object.keys(point).length > 0 ? point : undefined;
}

function parseTeams(
  raw: unknown,
  hamlets: readonly NamedItem[],
  problems: string[],
  where: string,
): HamletTeamContact[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${where}: phải là danh sách các dòng "- hamlet: … / phone: …"; bỏ qua mục này`);
    return [];
  }
  const names = new Map(hamlets.map((h) => [h.id, h.name]));
  const teams: HamletTeamContact[] = [];
  raw.forEach((entry: unknown, index) => {
    const label = `${where} #${index + 1}`;
    if (!isMapping(entry)) {
      problems.push(`${label}: phải gồm hamlet và ít nhất name hoặc phone; bỏ qua`);
      return;
    }
    const extra = unknownKeys(entry, TEAM_KEYS);
    const result = TeamSchema.safeParse(entry);
    if (extra || !result.success) {
      const details = [...(extra ? [extra] : []), ...(result.success ? [] : formatIssues(result.error))];
      problems.push(`${label}: ${details.join('; ')}; bỏ qua`);
      return;
    }
    const team = defined(result.data);
    const hamletName = names.get(team.hamlet);
    if (hamletName === undefined) {
      problems.push(`${label}: không có xóm/khối mã "${team.hamlet}" trong mục hamlets; bỏ qua`);
      return;
    }
    if (team.name === undefined && team.phone === undefined) {
      problems.push(`${label}: cần ít nhất tên người liên hệ (name) hoặc số điện thoại (phone); bỏ qua`);
      return;
    }
    if (teams.some((t) => t.hamlet === team.hamlet)) {
      problems.push(`${label}: xóm/khối "${team.hamlet}" đã có tổ công nghệ số ở trên; bỏ qua`);
      return;
    }
    teams.push({ ...team, hamletName });
  });
  return teams;
}

/**
 * Validates the `contacts:` section against the hamlets already read. Absent,
 * empty or broken, it gives `EMPTY_CONTACTS`; problems are appended. The
 * contacts staff save in the console are the same shape and go through this
 * same function (with their own `where`).
 *
 * @param where how a problem line starts (commune.yaml's section by default)
 */
export function parseContacts(
  raw: unknown,
  hamlets: readonly NamedItem[],
  problems: string[],
  where: string = WHERE,
): CommuneContacts {
  if (raw === undefined || raw === null) return EMPTY_CONTACTS;
  if (!isMapping(raw)) {
    problems.push(`${where}: phải gồm các mục office, police, digital_teams (đang không đúng dạng); bỏ qua`);
    return EMPTY_CONTACTS;
  }
  const extra = unknownKeys(raw, SECTION_KEYS);
  if (extra) problems.push(`${where}: ${extra}`);
  const office = parsePoint(raw.office, `${where}.office`, problems);
  const police = parsePoint(raw.police, `${where}.police`, problems);
  const digitalTeams = parseTeams(raw.digital_teams, hamlets, problems, `${where}.digital_teams`);
  return { ...(office && { office }), ...(police && { police }), digitalTeams };
}

/**
 * What staff have not filled in yet, as one warning line (nothing when all is
 * there): residents then get only the general advice for those parts.
 */
export function contactWarnings(contacts: CommuneContacts | undefined, hamlets: readonly NamedItem[]): string[] {
  const c = contacts ?? EMPTY_CONTACTS;
  if (!c.office && !c.police && c.digitalTeams.length === 0) {
    return [
      `${WHERE}: chưa có thông tin liên hệ nào (bộ phận một cửa, công an xã, tổ công nghệ số cộng đồng). ` +
        'Khi chưa trả lời được, trợ lý chỉ khuyên bà con hỏi bộ phận một cửa của xã hoặc tổ công nghệ số ở xóm, ' +
        'không đưa được số điện thoại, địa chỉ hay giờ làm việc. Cán bộ xã điền theo mẫu ở mục "contacts:"',
    ];
  }
  const missing: string[] = [];
  if (!c.office?.phone) missing.push('số điện thoại của bộ phận một cửa');
  if (!c.office?.address) missing.push('địa chỉ bộ phận một cửa');
  if (!c.office?.hours) missing.push('giờ làm việc của bộ phận một cửa');
  if (!c.police) missing.push('công an xã');
  const without = hamlets.filter((h) => !c.digitalTeams.some((t) => t.hamlet === h.id));
  if (without.length > 0) missing.push(`tổ công nghệ số của ${without.length}/${hamlets.length} xóm/khối`);
  return missing.length > 0 ? [`${WHERE}: còn thiếu ${missing.join(', ')}`] : [];
}

/** One contact point as commune.yaml writes it (keys in the file's order, empty fields left out). */
function pointToRaw(point: ContactPoint): Record<string, string> {
  return defined({ address: point.address, hours: point.hours, phone: point.phone }) as Record<string, string>;
}

/**
 * The contacts in commune.yaml's `contacts:` shape: what the console stores
 * and what the YAML export writes. `parseContacts(contactsToRaw(c), hamlets)`
 * gives `c` back for any `c` it accepted.
 */
export function contactsToRaw(contacts: CommuneContacts | undefined): Record<string, unknown> {
  const c = contacts ?? EMPTY_CONTACTS;
  return {
    ...(c.office && { office: pointToRaw(c.office) }),
    ...(c.police && { police: pointToRaw(c.police) }),
    ...(c.digitalTeams.length > 0 && {
      digital_teams: c.digitalTeams.map((t) => ({ hamlet: t.hamlet, ...defined({ name: t.name }), ...pointToRaw(t) })),
    }),
  };
}
