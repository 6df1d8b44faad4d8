/**
 * @module core/qa/grounded
 *
 * Optional wording of an answer by a language model, grounded in the passages
 * retrieval found. Retrieval still decides *whether* to answer (the model
 * never turns an unsure case into an answer); the model only turns passages
 * into a short reply. Its output is checked: a refusal marker, an empty or
 * over-long reply, or a phone number or web address that is not in the
 * passages makes us fall back to the extractive answer.
 */
import type { ChatModel, DocumentHit, PromptTemplates } from '../ports.js';

/** The word the prompt asks the model to write when the documents do not answer. */
export const UNSURE_MARKER = 'KHONG_CHAC';
const MAX_CONTEXT_DOCS = 3;
const MAX_REPLY_CHARS = 1200;

export function buildContext(docs: readonly DocumentHit[]): string {
  return docs
    .slice(0, MAX_CONTEXT_DOCS)
    .map((d, i) => `[${i + 1}] ${d.title}${d.best.heading ? ` – ${d.best.heading}` : ''}\n${d.best.text}`)
    .join('\n\n');
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m);
}

/** Numbers and addresses a reply must not invent: phone-like digit runs and web addresses. */
function factsIn(text: string): string[] {
  const phones = (text.match(/\d(?:[\s.]?\d){6,}/g) ?? []).map((p) => p.replace(/\D/g, ''));
  const urls = (text.match(/\b(?:https?:\/\/)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov\.vn|vn|com|org|net)\b/gi) ?? []).map(
    (u) => u.toLowerCase().replace(/^https?:\/\//, ''),
  );
  return [...phones, ...urls];
}

/**
 * The model's wording of the answer, or undefined when it declined, failed, or
 * wrote a number or address the passages do not contain.
 */
export async function groundedWording(
  question: string,
  docs: readonly DocumentHit[],
  model: ChatModel,
  prompts: PromptTemplates,
): Promise<string | undefined> {
  const context = buildContext(docs);
  let reply: string;
  try {
    reply = await model.complete([
      { role: 'system', content: prompts.system },
      { role: 'user', content: fill(prompts.answer, { context, question }) },
    ]);
  } catch {
    return undefined;
  }
  const text = reply.replace(/\*\*/g, '').trim();
  if (!text || text.includes(UNSURE_MARKER) || text.length > MAX_REPLY_CHARS) return undefined;
  const allowed = new Set(factsIn(`${context}\n${docs.map((d) => d.url ?? '').join('\n')}`));
  if (factsIn(text).some((f) => !allowed.has(f))) return undefined;
  return text;
}
