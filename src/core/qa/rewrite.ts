/**
 * @module core/qa/rewrite
 *
 * Follow-ups rewritten by the model. "Còn mức 1 thì sao?" or "làm ở đâu
 * vậy?" names too little to be searched alone; the model gets the last few
 * turns of the conversation and writes one stand-alone question, which is
 * then searched and answered like any other. What the resident typed is
 * masked before it leaves the machine, the rewrite is checked (short, one
 * line, no refusal, no echo of the prompt), and any failure leaves the
 * lexical follow-up reading in place.
 */
import { redactSensitive } from '../text/sensitive.js';
import { echoesPrompt, UNSURE_MARKER } from './grounded.js';
import { bounded } from './bounded.js';
import type { AnswerWriter } from './types.js';

export interface Turn {
  readonly question: string;
  /** The reply, shortened. */
  readonly answer: string;
}

/** A rewrite longer than this is not a question. */
const MAX_REWRITE_CHARS = 300;

/** The turns as the prompt's {{history}}, residents' words masked. */
export function historyOf(turns: readonly Turn[]): string {
  return turns
    .map((t) => `Người dân: ${redactSensitive(t.question).text}\nTrợ lý: ${redactSensitive(t.answer).text}`)
    .join('\n');
}

/** The follow-up as a stand-alone question, or undefined (no rewrite prompt, no history, a failure). */
export async function rewriteFollowUp(
  question: string,
  turns: readonly Turn[],
  writer: AnswerWriter,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const template = writer.prompts.rewrite;
  if (!template || turns.length === 0) return undefined;
  if (writer.budget && !writer.budget.take()) return undefined;
  const masked = redactSensitive(question).text;
  const content = template.replace(/\{\{(\w+)\}\}/g, (m, key: string) =>
    key === 'history' ? historyOf(turns) : key === 'question' ? masked : m,
  );
  let raw: string;
  try {
    raw = await bounded(
      writer.model.complete(
        [
          { role: 'system', content: writer.prompts.system },
          { role: 'user', content },
        ],
        { signal },
      ),
      signal,
    );
  } catch {
    return undefined;
  }
  const rewritten = (raw.split('\n').find((l) => l.trim()) ?? '')
    .replace(/^\s*(câu hỏi|cau hoi)\s*:\s*/iu, '')
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .trim();
  if (!rewritten || rewritten.length > MAX_REWRITE_CHARS || rewritten.includes(UNSURE_MARKER)) return undefined;
  if (echoesPrompt(rewritten, writer.prompts.system)) return undefined;
  const safe = redactSensitive(rewritten).text;
  writer.onEvent?.({ type: 'rewrite', original: masked, rewritten: safe });
  return safe;
}
