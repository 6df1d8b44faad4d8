/**
 * @module core/qa/modelAnswer
 *
 * One request to the language model for one question: the resident's actual
 * question (secrets and personal numbers masked first: nothing of them leaves
 * the machine) and the numbered passages. The model answers from them, citing
 * them, or writes the refusal marker. Its reply is then checked (see
 * grounded.ts); what fails a check is never shown, and the answerer sends the
 * extractive answer instead. The whole call is bounded by the answer's
 * deadline signal, and cached by question and passages. Where the channel
 * can show it (the web chat's stream), the reply is shown as it is written,
 * each sentence checked before it is released (streamAnswer.ts); the whole
 * reply is still checked here as an unstreamed one.
 */
import type { DraftSink } from '../messages.js';
import type { ChatMessage } from '../ports.js';
import { redactSensitive } from '../text/sensitive.js';
import { AnswerCache, type CachedReply } from './answerCache.js';
import { bounded, DeadlinePassed } from './bounded.js';
import {
  citationsIn,
  echoesPrompt,
  inventedFacts,
  MAX_REPLY_CHARS,
  UNSURE_MARKER,
  withoutCitations,
} from './grounded.js';
import { contextOf, factSource, type GivenPassage } from './modelContext.js';
import { streamAnswer } from './streamAnswer.js';
import type { AnswerWriter, FallbackReason } from './types.js';

export type ModelOutcome =
  | { readonly kind: 'answer'; readonly text: string; readonly cited: readonly GivenPassage[] }
  | { readonly kind: 'refused' }
  | { readonly kind: 'fallback'; readonly reason: FallbackReason };

function fill(template: string, values: Record<string, string>): string {
  // One pass over the template: a question containing "{{context}}" is not expanded again.
  return template.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m);
}

/** The messages sent for a question (exported for the bench's token count). */
export function answerMessages(writer: AnswerWriter, question: string, given: readonly GivenPassage[]): ChatMessage[] {
  return [
    { role: 'system', content: writer.prompts.system },
    {
      role: 'user',
      content: fill(writer.prompts.answer, { context: contextOf(given), question: redactSensitive(question).text }),
    },
  ];
}

/** The checks of a reply against what the model was given; the reason it fails, or the outcome. */
export function checkReply(
  raw: string,
  given: readonly GivenPassage[],
  system: string,
): ModelOutcome & { readonly detail?: string } {
  const text = raw
    .replace(/\*\*/g, '')
    .replace(/^\s*(trả lời|tra loi)\s*:\s*/iu, '')
    .trim();
  if (text.includes(UNSURE_MARKER)) return { kind: 'refused' };
  if (!text) return { kind: 'fallback', reason: 'empty' };
  if (text.length > MAX_REPLY_CHARS) return { kind: 'fallback', reason: 'too-long' };
  if (echoesPrompt(text, system)) return { kind: 'fallback', reason: 'prompt-echo' };
  const numbers = citationsIn(text);
  const cited = numbers.map((n) => given.find((g) => g.n === n));
  if (numbers.length === 0 || cited.some((g) => g === undefined))
    return { kind: 'fallback', reason: 'citation', detail: numbers.join(',') };
  const invented = inventedFacts(text, factSource(given));
  if (invented.length > 0)
    return { kind: 'fallback', reason: 'invented', detail: invented.map((f) => f.kind).join(',') };
  return { kind: 'answer', text: withoutCitations(text), cited: cited.filter((g) => g !== undefined) };
}

/**
 * Asks the model (or the cache) to answer `question` from `given`. Never
 * throws. With a `draft` and a model that streams, checked sentences are
 * shown as they come (see streamAnswer.ts); a cached reply is not drafted.
 */
export async function modelAnswer(
  question: string,
  given: readonly GivenPassage[],
  writer: AnswerWriter,
  signal?: AbortSignal,
  draft?: DraftSink,
): Promise<ModelOutcome> {
  const key = AnswerCache.key(
    question,
    given.map((g) => g.id),
    contextOf(given),
  );
  const hit = writer.cache?.get(key);
  if (hit) return fromCache(hit, given, writer.prompts.system);
  const fallback = (reason: FallbackReason, detail?: string): ModelOutcome => {
    writer.onEvent?.({ type: 'fallback', reason, detail });
    return { kind: 'fallback', reason };
  };
  if (writer.budget && !writer.budget.take()) return fallback('budget');
  const messages = answerMessages(writer, question, given);
  let raw: string;
  let shown = false;
  const model = writer.model;
  if (draft && model.stream) {
    const stream = model.stream.bind(model);
    const streamed = await streamAnswer(stream, messages, given, writer.prompts.system, draft, signal);
    if (streamed.kind === 'fallback') return fallback(streamed.reason, streamed.detail);
    if (streamed.kind === 'refused') {
      writer.cache?.set(key, { kind: 'refused' });
      return streamed;
    }
    ({ raw, shown } = streamed);
  } else {
    try {
      raw = await bounded(model.complete(messages, { signal }), signal);
    } catch (err) {
      return fallback(err instanceof DeadlinePassed || signal?.aborted ? 'timeout' : 'error');
    }
  }
  // The whole reply is checked as an unstreamed one is; what the stream showed gives way if it fails.
  const checked = checkReply(raw, given, writer.prompts.system);
  if (shown && checked.kind !== 'answer') draft?.replace();
  if (checked.kind === 'fallback') return fallback(checked.reason, checked.detail);
  // The reply is kept with its citations, so a hit finds the same passages again.
  writer.cache?.set(key, checked.kind === 'refused' ? { kind: 'refused' } : { kind: 'answer', text: raw });
  return checked;
}

function fromCache(hit: CachedReply, given: readonly GivenPassage[], system: string): ModelOutcome {
  if (hit.kind === 'refused') return { kind: 'refused' };
  return checkReply(hit.text, given, system);
}
