/**
 * @module rag/faqFile
 *
 * FAQ files (`knowledge/faq/*.yaml`): a question, the other ways residents ask
 * it, a short answer and the document that backs it. Validated with zod so a
 * staff edit that breaks one entry is reported by id and does not take the
 * whole file down with it.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { FaqEntry } from '../core/ports.js';

const FaqEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id chỉ gồm chữ thường không dấu, số và dấu gạch ngang'),
  question: z.string().trim().min(3),
  variants: z.array(z.string().trim().min(1)).default([]),
  answer: z.string().trim().min(3),
  source: z.string().trim().min(1),
});

export interface FaqParseResult {
  readonly entries: FaqEntry[];
  /** One message per entry that was left out, naming its position or id. */
  readonly problems: string[];
}

/** Parses a FAQ file; throws only when the file as a whole is unreadable. */
export function parseFaqFile(text: string): FaqParseResult {
  let raw: unknown;
  try {
    raw = parseYaml(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Error(`not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (!Array.isArray(raw)) throw new Error('a FAQ file must be a YAML list of entries');
  const entries: FaqEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, index) => {
    const parsed = FaqEntrySchema.safeParse(item);
    if (!parsed.success) {
      const id = typeof item === 'object' && item && 'id' in item ? String(item.id) : `#${index + 1}`;
      problems.push(`entry ${id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push(`entry ${parsed.data.id}: duplicate id`);
      return;
    }
    seen.add(parsed.data.id);
    entries.push({
      id: parsed.data.id,
      question: parsed.data.question,
      variants: parsed.data.variants,
      answer: parsed.data.answer,
      sourceRef: parsed.data.source.replace(/^\.?\//, ''),
    });
  });
  return { entries, problems };
}
