/**
 * @module content/validation
 *
 * Shared pieces for validating the YAML files staff edit by hand (quiz banks,
 * commune.yaml): parsing that cannot be made to blow up, zod building blocks
 * whose messages a non-programmer can act on, and issue formatting that
 * counts list items from 1 the way staff count them.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';

/** Stable ids: lower-case ASCII words joined by hyphens, as in file names and URLs. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Largest YAML file read: a real bank is a few kilobytes; anything far bigger is a mistake or an attack. */
export const MAX_YAML_BYTES = 128 * 1024;

/**
 * Aliases expanded at most: a hand-written bank needs none, and a small cap
 * stops "billion laughs" documents that expand exponentially in memory.
 */
const MAX_ALIAS_COUNT = 50;

/** A short description of a YAML value's shape, for "expected X, found Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  switch (typeof value) {
    case 'string':
      return `text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
    case 'boolean':
      return `${String(value)} (yes/no)`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** A zod error map that says what was expected and what the file actually holds. */
export function expected(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? 'is missing' : `must be ${what} (found ${describeValue(issue.input)})`;
}

/**
 * Text staff write: NFC-normalised (so an NFD keyboard and an NFC one give the
 * same string), trimmed, non-empty and bounded so a bank cannot flood a chat screen.
 */
export function boundedText(max: number): z.ZodPipe<z.ZodString, z.ZodTransform<string, string>> {
  return z
    .string({ error: expected('text (put it in "quotes" if it is a number or yes/no)') })
    .transform((raw, ctx) => {
      const s = raw.normalize('NFC').trim();
      if (s.length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      const length = [...s].length;
      if (length > max) ctx.addIssue({ code: 'custom', message: `is ${length} characters long (at most ${max})` });
      return s;
    });
}

/** An id (slug) with a message that shows what a good one looks like. */
export function slug(example: string): z.ZodString {
  return z
    .string({ error: expected(`an id like "${example}"`) })
    .max(64, 'is longer than 64 characters')
    .regex(SLUG, `must be lower-case letters a–z, digits and hyphens only, like "${example}"`);
}

/** Renders an issue path for people: `options #2` rather than `options.1`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += ` #${part + 1}`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out.trim();
}

/** One line per zod issue, `path: message`, or just the message when it names its own field. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = formatPath(i.path);
    return where === '' ? i.message : `${where}: ${i.message}`;
  });
}

export type YamlReadResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/**
 * Decodes and parses one YAML file. Never throws: invalid UTF-8, syntax
 * errors, duplicate keys, unknown tags, alias bombs and pathological nesting
 * all come back as one readable sentence.
 */
export function readYaml(content: Uint8Array): YamlReadResult {
  if (content.byteLength > MAX_YAML_BYTES) {
    return { ok: false, error: `the file is ${content.byteLength} bytes; at most ${MAX_YAML_BYTES} are read` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content).replace(/^\uFEFF/, '');
  } catch {
    return { ok: false, error: 'the file is not UTF-8 text (save it as UTF-8)' };
  }
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
    const first = doc.errors[0] ?? doc.warnings[0];
    if (first) return { ok: false, error: `not valid YAML: ${firstLine(first.message)}` };
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (err) {
    const message = err instanceof Error ? firstLine(err.message) : String(err);
    if (err instanceof RangeError) return { ok: false, error: 'not valid YAML: nested too deeply' };
    return { ok: false, error: `not valid YAML: ${message}` };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** True for a YAML mapping (a plain object), the shape every file here must have at the top. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
