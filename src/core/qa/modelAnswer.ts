/**
 * @module core/qa/modelAnswer
 *
 * One request to the language model for one question: the resident's actual
 * question (secrets and personal numbers masked first: nothing of them leaves
 * the machine) and the numbered passages. The model answers from them, citing
 * them, or writes the refusal marker. Its reply is then checked (see
 * grounded.ts); what fails a check is never shown, and the answerer sends the
 * extractive answer instead. The whole call is bounded by the answer's
 * deadline signal, and cached by question and passages.
 */
import type { ChatMessage } from '../ports.js';
import { redactSensitive } from '../text/sensitive.js';
import { AnswerCache, type CachedReply } from './answerCache.js';
import {
  citationsIn,
  echoesPrompt,
  inventedFacts,
  MAX_REPLY_CHARS,
  UNSURE_MARKER,
  withoutCitations,
} from './grounded.js';
import { contextOf, factSource, type GivenPassage } from './modelContext.js';
import type { AnswerWriter, FallbackReason } from './types.js';

export type ModelOutcome =
  | { readonly kind: 'answer'; readonly text: string; readonly cited: readonly GivenPassage[] }
  | { readonly kind: 'refused' }
  | { readonly kind: 'fallback'; readonly reason: FallbackReason };

/** Thrown inside `bounded` when the deadline passes first. */
class DeadlinePassed extends Error {}

/** The promise, or a rejection as soon as the signal aborts (a model that ignores the signal cannot hold us). */
export function bounded<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new DeadlinePassed());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DeadlinePassed());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

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

/** Asks the model (or the cache) to answer `question` from `given`. Never throws. */
export async function modelAnswer(
  question: string,
  given: readonly GivenPassage[],
  writer: AnswerWriter,
  signal?: AbortSignal,
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
  let raw: string;
  try {
    raw = await bounded(writer.model.complete(answerMessages(writer, question, given), { signal }), signal);
  } catch (err) {
    return fallback(err instanceof DeadlinePassed || signal?.aborted ? 'timeout' : 'error');
  }
  const checked = checkReply(raw, given, writer.prompts.system);
  if (checked.kind === 'fallback') return fallback(checked.reason, checked.detail);
  // The reply is kept with its citations, so a hit finds the same passages again.
  writer.cache?.set(key, checked.kind === 'refused' ? { kind: 'refused' } : { kind: 'answer', text: raw });
  return checked;
}

function fromCache(hit: CachedReply, given: readonly GivenPassage[], system: string): ModelOutcome {
  if (hit.kind === 'refused') return { kind: 'refused' };
  return checkReply(hit.text, given, system);
}
