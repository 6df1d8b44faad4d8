/**
 * @module rag/frontMatter
 *
 * Splits a Markdown file into its YAML front matter and body, and validates the
 * front matter with zod so a staff member who mistypes a key learns which file
 * and which field, instead of the document silently losing its title.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const SourceSchema = z.union([
  z.string().min(1),
  z
    .object({ name: z.string().min(1), url: z.string().url().optional() })
    .transform((s) => (s.url ? `${s.name} (${s.url})` : s.name)),
]);

export const FrontMatterSchema = z
  .object({
    title: z.string().trim().min(1).optional(),
    topics: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
    url: z.string().url({ message: 'url phải là một địa chỉ web đầy đủ (https://...)' }).optional(),
    sources: z.array(SourceSchema).optional(),
    checked: z.union([z.string(), z.date()]).optional(),
  })
  .passthrough();

export type FrontMatter = z.infer<typeof FrontMatterSchema>;

export interface ParsedMarkdown {
  readonly frontMatter: FrontMatter;
  readonly body: string;
}

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Parses front matter if present; throws an Error whose message names the bad field. */
export function parseMarkdown(source: string): ParsedMarkdown {
  const text = source.replace(/^\uFEFF/, '');
  const match = FENCE.exec(text);
  if (!match) return { frontMatter: {}, body: text };
  let raw: unknown;
  try {
    raw = parseYaml(match[1] ?? '') ?? {};
  } catch (err) {
    throw new Error(
      `front matter is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  const result = FrontMatterSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`front matter is invalid: ${issues}`);
  }
  return { frontMatter: result.data, body: text.slice(match[0].length) };
}

/** The first Markdown heading of a body, used as a title when front matter has none. */
export function firstHeading(body: string): string | undefined {
  const m = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(body);
  return m?.[1]?.trim() || undefined;
}
