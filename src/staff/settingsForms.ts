/**
 * @module staff/settingsForms
 *
 * Turns what the settings page posts (an HTML form, or JSON from a script)
 * into the shapes the shared validators take: a hamlet list with each row's
 * previous id, contacts in commune.yaml's shape, population cells. zod checks
 * the shape at this edge; the rules (ids, phone numbers, whole numbers) stay
 * in src/content so the console, commune.yaml and the CLI obey the same ones.
 */
import { z } from 'zod';
import type { NamedItem } from '../core/registry/types.js';
import type { CertifiedCell, PopulationCell, PopulationEdit } from '../core/stores/populationEdit.js';
import type { HamletEdit } from '../content/communeSettings.js';
import { MAX_HAMLETS } from '../content/communeHamlets.js';
import { MAX_PEOPLE, parseCount } from '../content/populationCsv.js';

/** A posted form, as Hono's `parseBody({ all: true })` gives it; files are ignored here. */
export type FormBody = Record<string, string | File | (string | File)[]>;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: string[] };

/** One text field of a form: the last value when repeated, '' when absent or a file. */
export function field(body: FormBody, name: string): string {
  const v = body[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof last === 'string' ? last.normalize('NFC').trim() : '';
}

const ShortText = z.string().max(300, 'dài quá 300 ký tự');

const HamletsJson = z.object({
  hamlets: z
    .array(
      z.object({
        id: ShortText,
        name: ShortText,
        previousId: ShortText.optional(),
      }),
    )
    .max(MAX_HAMLETS, `nhiều hơn ${MAX_HAMLETS} xóm/khối`),
});

/**
 * The hamlet rows: form fields `h.<n>.id`, `h.<n>.name`, `h.<n>.previous`
 * (the id the row had when the page was shown) and `h.<n>.remove`; a row
 * left blank or ticked for removal is not in the list.
 */
export function hamletsFromForm(body: FormBody): HamletEdit[] {
  const rows = new Set<number>();
  for (const key of Object.keys(body)) {
    const m = /^h\.(\d{1,4})\.(?:id|name|previous|remove)$/.exec(key);
    if (m) rows.add(Number(m[1]));
  }
  return [...rows]
    .sort((a, b) => a - b)
    .flatMap((n) => {
      const id = field(body, `h.${n}.id`);
      const name = field(body, `h.${n}.name`);
      const previous = field(body, `h.${n}.previous`);
      if (field(body, `h.${n}.remove`) !== '' || (id === '' && name === '')) return [];
      // A row whose id field is read-only (a used hamlet) posts its id; a missing one keeps the old id.
      const effectiveId = id === '' && previous !== '' ? previous : id;
      return [{ id: effectiveId, name, ...(previous !== '' && { previousId: previous }) }];
    });
}

export function hamletsFromJson(body: unknown): Parsed<HamletEdit[]> {
  const r = HamletsJson.safeParse(body);
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => `hamlets: ${i.message}`) };
  return {
    ok: true,
    value: r.data.hamlets.map((h) => ({
      id: h.id.normalize('NFC').trim(),
      name: h.name,
      ...(h.previousId !== undefined && { previousId: h.previousId }),
    })),
  };
}

const POINT_FIELDS = ['address', 'hours', 'phone'] as const;

/** `{address, hours, phone}` from `<prefix>.<field>`, blanks left out. */
function pointFromForm(body: FormBody, prefix: string, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = field(body, `${prefix}.${f}`);
    if (v !== '') out[f] = v;
  }
  return out;
}

/**
 * Contacts in commune.yaml's shape from the form: `office.*`, `police.*`
 * and `team.<hamletId>.*` (name, phone, address, hours) for each hamlet.
 */
export function contactsFromForm(body: FormBody, hamlets: readonly NamedItem[]): Record<string, unknown> {
  const office = pointFromForm(body, 'office', POINT_FIELDS);
  const police = pointFromForm(body, 'police', POINT_FIELDS);
  const teams = hamlets.flatMap((h) => {
    const team = pointFromForm(body, `team.${h.id}`, ['name', ...POINT_FIELDS]);
    return Object.keys(team).length > 0 ? [{ hamlet: h.id, ...team }] : [];
  });
  return {
    ...(Object.keys(office).length > 0 && { office }),
    ...(Object.keys(police).length > 0 && { police }),
    ...(teams.length > 0 && { digital_teams: teams }),
  };
}

const ContactsJson = z.object({ contacts: z.record(z.string(), z.unknown()) });

export function contactsFromJson(body: unknown): Parsed<Record<string, unknown>> {
  const r = ContactsJson.safeParse(body);
  return r.success
    ? { ok: true, value: r.data.contacts }
    : { ok: false, errors: ['contacts: phải là một mục gồm office, police, digital_teams'] };
}

/** The lists a population edit is checked against, and the hamlet a team member may touch. */
export interface GridLists {
  readonly hamlets: readonly NamedItem[];
  readonly groups: readonly NamedItem[];
}

/**
 * Population cells from the grid: `p.<hamletId>.<groupId>` and
 * `c.<hamletId>` (VNeID certified). Only cells present are changed; a blank
 * cell clears its figure.
 */
export function populationFromForm(body: FormBody, lists: GridLists): Parsed<PopulationEdit> {
  const errors: string[] = [];
  const population: PopulationCell[] = [];
  const certified: CertifiedCell[] = [];
  for (const h of lists.hamlets) {
    for (const g of lists.groups) {
      const key = `p.${h.id}.${g.id}`;
      if (!(key in body)) continue;
      const count = parseCount(field(body, key));
      if (count.ok) population.push({ hamletId: h.id, groupId: g.id, people: count.value });
      else errors.push(`${h.name}, cột "${g.name}": ${count.reason}`);
    }
    const key = `c.${h.id}`;
    if (!(key in body)) continue;
    const count = parseCount(field(body, key));
    if (count.ok) certified.push({ hamletId: h.id, certified: count.value });
    else errors.push(`${h.name}, cột "Người đã được xác nhận trên VNeID": ${count.reason}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { population, certified } };
}

const Count = z
  .number({ error: 'phải là số' })
  .int('phải là số nguyên')
  .min(0, 'không được âm')
  .max(MAX_PEOPLE, `lớn hơn ${MAX_PEOPLE}`)
  .nullable();

const PopulationJson = z.object({
  population: z
    .array(z.object({ hamletId: z.string(), groupId: z.string(), people: Count }))
    .max(MAX_HAMLETS * 20)
    .default([]),
  certified: z
    .array(z.object({ hamletId: z.string(), certified: Count }))
    .max(MAX_HAMLETS)
    .default([]),
});

export function populationFromJson(body: unknown, lists: GridLists): Parsed<PopulationEdit> {
  const r = PopulationJson.safeParse(body);
  if (!r.success) {
    return {
      ok: false,
      errors: r.error.issues.map(
        (i) => `${i.path.map((p) => (typeof p === 'number' ? `#${p + 1}` : String(p))).join(' ')}: ${i.message}`,
      ),
    };
  }
  const hamlets = new Set(lists.hamlets.map((h) => h.id));
  const groups = new Set(lists.groups.map((g) => g.id));
  const errors: string[] = [];
  r.data.population.forEach((cell, i) => {
    if (!hamlets.has(cell.hamletId)) errors.push(`population #${i + 1}: không có xóm/khối mã "${cell.hamletId}"`);
    if (!groups.has(cell.groupId)) errors.push(`population #${i + 1}: không có nhóm đối tượng mã "${cell.groupId}"`);
  });
  r.data.certified.forEach((cell, i) => {
    if (!hamlets.has(cell.hamletId)) errors.push(`certified #${i + 1}: không có xóm/khối mã "${cell.hamletId}"`);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: r.data };
}
