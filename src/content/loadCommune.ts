/**
 * @module content/loadCommune
 *
 * Reads `<KNOWLEDGE_DIR>/commune.yaml`: the hamlets (xóm/khối), the target
 * groups, the plan's yearly targets, the core quizzes and the contacts staff
 * fill in (communeContacts.ts). Staff edit this file
 * by hand, so each section is validated on its own: a bad hamlet entry is left
 * out and named, a broken section falls back to the defaults below, and the
 * service still starts. Registration, the quiz engine and the reports then all
 * read the same lists.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { QuizCatalog } from '../core/ports.js';
import type { CommuneInfo, NamedItem } from '../core/registry/types.js';
import { contactWarnings, EMPTY_CONTACTS, parseContacts } from './communeContacts.js';
import { parseHamlets } from './communeHamlets.js';
import { boundedText, describeValue, formatIssues, isMapping, readYaml, slug } from './validation.js';

/** The key of the VNeID-certification target (plan §III d), which is a share of adults, not a group. */
export const VNEID_CERTIFIED = 'vneid_certified';

/** One year's targets from the plan (§III), as percentages 0–100. */
export interface YearTargets {
  readonly year: number;
  /** Target share of each group (by group id) with basic digital knowledge and skills. */
  readonly groups: Readonly<Record<string, number>>;
  /** Target share of adults certified on VNeID as having completed the programme. */
  readonly vneidCertified?: number;
}

export interface CommuneConfig extends CommuneInfo {
  /** Ordered by year. */
  readonly targets: readonly YearTargets[];
}

export interface CommuneLoadResult {
  readonly commune: CommuneConfig;
  /** Errors staff must fix (`cli quiz check` exits 1); the commune falls back to defaults for that part. */
  readonly problems: string[];
  /** Gaps worth logging that do not stop anything (e.g. no hamlets listed yet). */
  readonly warnings: string[];
}

export const COMMUNE_FILE = 'commune.yaml';

/**
 * What the service uses when commune.yaml is missing or a section is broken:
 * the plan's target groups and figures, and no hamlets — the plan names none,
 * and inventing names would put residents in places that do not exist.
 */
export const DEFAULT_COMMUNE: CommuneConfig = {
  name: 'Xã Hùng Châu',
  hamlets: [],
  groups: [
    { id: 'can-bo-cong-chuc', name: 'Cán bộ, công chức, viên chức và người lao động' },
    { id: 'hoc-sinh-sinh-vien', name: 'Học sinh, sinh viên' },
    { id: 'nguoi-dan', name: 'Người dân trong độ tuổi trưởng thành' },
    { id: 'lao-dong-doanh-nghiep', name: 'Người lao động trong doanh nghiệp, hợp tác xã' },
    { id: 'khac', name: 'Khác' },
  ],
  targets: [
    {
      year: 2025,
      groups: { 'can-bo-cong-chuc': 80, 'hoc-sinh-sinh-vien': 80, 'nguoi-dan': 80, 'lao-dong-doanh-nghiep': 80 },
      vneidCertified: 40,
    },
    {
      year: 2026,
      groups: { 'can-bo-cong-chuc': 100, 'hoc-sinh-sinh-vien': 100, 'nguoi-dan': 100, 'lao-dong-doanh-nghiep': 100 },
      vneidCertified: 60,
    },
  ],
  coreQuizzes: [
    'vneid-co-ban',
    'dich-vu-cong-truc-tuyen',
    'nhan-dien-lua-dao',
    'an-toan-tai-khoan',
    'phong-trao-bdhvs',
  ],
  contacts: EMPTY_CONTACTS,
};

const KNOWN_KEYS = ['name', 'hamlets', 'groups', 'targets', 'core_quizzes', 'contacts'] as const;

const ItemSchema = z.object({ id: slug('xom-1'), name: boundedText(80) });

const PercentSchema = z
  .number({ error: () => 'must be a percentage from 0 to 100' })
  .min(0, 'must be a percentage from 0 to 100')
  .max(100, 'must be a percentage from 0 to 100');

/**
 * Loads commune.yaml. Never rejects. Pass the quiz catalog to have core quiz
 * ids that match no valid bank reported as problems (what `cli quiz check` does).
 */
export async function loadCommune(knowledgeDir: string, catalog?: QuizCatalog): Promise<CommuneLoadResult> {
  let content: Buffer;
  try {
    content = await readFile(join(knowledgeDir, COMMUNE_FILE));
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    const problem =
      code === 'ENOENT'
        ? `${COMMUNE_FILE}: not found in ${knowledgeDir}; using the defaults (the plan's target groups, no hamlets)`
        : `${COMMUNE_FILE}: cannot read the file (${code}); using the defaults (the plan's target groups, no hamlets)`;
    return finish(DEFAULT_COMMUNE, [problem], catalog);
  }
  const { commune, problems } = parseCommune(content);
  return finish(commune, problems, catalog);
}

function finish(commune: CommuneConfig, problems: string[], catalog: QuizCatalog | undefined): CommuneLoadResult {
  const warnings = communeWarnings(commune);
  if (catalog) problems.push(...checkCoreQuizzes(commune, catalog));
  return { commune, problems, warnings };
}

/**
 * Gaps worth logging that stop nothing: no hamlet listed yet, contacts not
 * filled in. In Vietnamese, because commune staff read them at start-up and
 * in `cli quiz check`.
 */
export function communeWarnings(commune: CommuneInfo): string[] {
  const hamlets =
    commune.hamlets.length === 0
      ? [
          `${COMMUNE_FILE}: chưa có xóm/khối nào trong danh sách (mục "hamlets:"); bà con chưa chọn được xóm/khối ` +
            'của mình và kết quả được tính vào mục "chưa rõ". Cán bộ xã điền danh sách theo mẫu trong tệp',
        ]
      : [];
  return [...hamlets, ...contactWarnings(commune.contacts, commune.hamlets)];
}

/** Core quiz ids that match no loaded quiz: the programme could never be completed. */
export function checkCoreQuizzes(commune: CommuneInfo, catalog: QuizCatalog): string[] {
  return commune.coreQuizzes
    .filter((id) => catalog.get(id) === undefined)
    .map(
      (id) => `${COMMUNE_FILE}: core_quizzes: no valid quiz has the id "${id}", so nobody can complete the programme`,
    );
}

/** Validates the file's bytes section by section; pure, for tests and for `loadCommune`. */
export function parseCommune(content: Uint8Array): { commune: CommuneConfig; problems: string[] } {
  const parsed = readYaml(content);
  if (!parsed.ok) {
    return { commune: DEFAULT_COMMUNE, problems: [`${COMMUNE_FILE}: ${parsed.error}; using the default lists`] };
  }
  return validateCommune(parsed.value);
}

/**
 * Validates commune.yaml's content once parsed (a YAML mapping), section by
 * section. The settings staff save in the console are checked by the same
 * section validators (communeHamlets, communeContacts), so both forms of the
 * settings obey one set of rules.
 */
export function validateCommune(raw: unknown): { commune: CommuneConfig; problems: string[] } {
  const where = COMMUNE_FILE;
  if (!isMapping(raw)) {
    return {
      commune: DEFAULT_COMMUNE,
      problems: [`${where}: the file must be a YAML mapping (found ${describeValue(raw)}); using the default lists`],
    };
  }
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      problems.push(`${where}: unknown key "${key}" (the keys are ${KNOWN_KEYS.join(', ')})`);
    }
  }

  let name = DEFAULT_COMMUNE.name;
  const nameResult = boundedText(120).safeParse(raw.name);
  if (nameResult.success) name = nameResult.data;
  else problems.push(...formatIssues(nameResult.error).map((m) => `${where}: name: ${m}`));

  const hamlets = parseHamlets(raw.hamlets, `${where}: hamlets`, problems);
  let groups: readonly NamedItem[] = parseItems(raw.groups, 'groups', problems);
  if (groups.length === 0) {
    problems.push(`${where}: groups: no valid target group; using the plan's groups`);
    groups = DEFAULT_COMMUNE.groups;
  }
  const targets = parseTargets(raw.targets, new Set(groups.map((g) => g.id)), problems);
  const coreQuizzes = parseCoreQuizzes(raw.core_quizzes, problems);
  const contacts = parseContacts(raw.contacts, hamlets, problems);
  return { commune: { name, hamlets, groups, targets, coreQuizzes, contacts }, problems };
}

/** The target groups, `{id, name}` each; bad or repeated entries are left out and named. */
function parseItems(raw: unknown, key: 'groups', problems: string[]): NamedItem[] {
  const where = `${COMMUNE_FILE}: ${key}`;
  if (raw === undefined) {
    problems.push(`${where}: is missing`);
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.push(`${where}: must be a list of "- id: … / name: …" entries (found ${describeValue(raw)})`);
    return [];
  }
  const items: NamedItem[] = [];
  const seen = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const label = `${where} #${index + 1}`;
    const result = ItemSchema.safeParse(entry);
    if (!result.success) {
      const detail = isMapping(entry) ? formatIssues(result.error).join('; ') : 'must be a mapping with id and name';
      problems.push(`${label}: ${detail}`);
      return;
    }
    if (seen.has(result.data.id)) {
      problems.push(`${label}: duplicate id "${result.data.id}"`);
      return;
    }
    seen.add(result.data.id);
    items.push(result.data);
  });
  return items;
}

/** `year: { groupId | vneid_certified: percent }`; entries naming no known group are reported. */
function parseTargets(raw: unknown, groupIds: ReadonlySet<string>, problems: string[]): YearTargets[] {
  const where = `${COMMUNE_FILE}: targets`;
  if (raw === undefined || raw === null) return [];
  if (!isMapping(raw)) {
    problems.push(`${where}: must be a mapping of years to percentages (found ${describeValue(raw)})`);
    return [];
  }
  const out: YearTargets[] = [];
  for (const [yearKey, perGroup] of Object.entries(raw)) {
    const year = Number(yearKey);
    if (!/^\d{4}$/.test(yearKey) || year < 2000 || year > 2100) {
      problems.push(`${where}: "${yearKey}" is not a year (write it like 2025)`);
      continue;
    }
    if (!isMapping(perGroup)) {
      problems.push(`${where}.${yearKey}: must map group ids to percentages (found ${describeValue(perGroup)})`);
      continue;
    }
    const groups: Record<string, number> = {};
    let vneidCertified: number | undefined;
    for (const [key, value] of Object.entries(perGroup)) {
      const percent = PercentSchema.safeParse(value);
      if (!percent.success) {
        problems.push(`${where}.${yearKey}.${key}: must be a percentage from 0 to 100 (found ${describeValue(value)})`);
        continue;
      }
      if (key === VNEID_CERTIFIED) vneidCertified = percent.data;
      else if (groupIds.has(key)) groups[key] = percent.data;
      else problems.push(`${where}.${yearKey}: "${key}" is not a group id listed under groups`);
    }
    out.push(vneidCertified === undefined ? { year, groups } : { year, groups, vneidCertified });
  }
  return out.sort((a, b) => a.year - b.year);
}

function parseCoreQuizzes(raw: unknown, problems: string[]): string[] {
  const where = `${COMMUNE_FILE}: core_quizzes`;
  const result = z.array(slug('vneid-co-ban')).min(1, 'lists no quiz').safeParse(raw);
  if (!result.success) {
    problems.push(
      raw === undefined
        ? `${where}: is missing; using the default core quizzes`
        : `${where}: ${formatIssues(result.error).join('; ')}; using the default core quizzes`,
    );
    return [...DEFAULT_COMMUNE.coreQuizzes];
  }
  const unique = [...new Set(result.data)];
  if (unique.length !== result.data.length) problems.push(`${where}: lists the same quiz more than once`);
  return unique;
}
