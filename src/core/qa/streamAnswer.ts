/**
 * @module core/qa/streamAnswer
 *
 * The model's answer shown as it is written, with nothing unchecked ever on
 * screen. Text is held back until its sentence ends; the text so far, that
 * sentence included, then passes the same checks as a whole reply (every
 * citation points at a given passage, no phone number, address, document
 * number, fee or date absent from the passages, no echo of the system
 * prompt, not too long, no refusal marker) before the sentence is released.
 * The first sentence that fails ends the stream: the model's request is
 * cancelled and the resident gets the extractive answer, which replaces what
 * was shown. The complete reply is then checked once more as a whole by the
 * caller, exactly as an unstreamed one.
 */
import type { DraftSink } from '../messages.js';
import type { ChatMessage, ChatModel } from '../ports.js';
import { bounded, DeadlinePassed } from './bounded.js';
import {
  citationsIn,
  echoesPrompt,
  inventedFacts,
  MAX_REPLY_CHARS,
  UNSURE_MARKER,
  withoutCitations,
} from './grounded.js';
import { factSource, type GivenPassage } from './modelContext.js';
import { SentenceGate } from './sentenceGate.js';
import type { FallbackReason } from './types.js';

export type StreamResult =
  /** `shown`: some of it reached the draft (to be replaced if the whole reply then fails). */
  | { readonly kind: 'complete'; readonly raw: string; readonly shown: boolean }
  | { readonly kind: 'refused' }
  | { readonly kind: 'fallback'; readonly reason: FallbackReason; readonly detail?: string };

/** The reply as a resident would read it (the cleaning `checkReply` does, citations kept). */
export function cleanReply(raw: string): string {
  return raw
    .replace(/\*\*/g, '')
    .replace(/^\s*(trả lời|tra loi)\s*:\s*/iu, '')
    .trim();
}

/**
 * Why the text so far cannot be shown, or undefined when it can. Unlike a
 * whole reply, it may have no citation yet: a later sentence may carry it.
 */
export function checkSoFar(
  raw: string,
  given: readonly GivenPassage[],
  system: string,
): { readonly reason: FallbackReason | 'refused'; readonly detail?: string } | undefined {
  const text = cleanReply(raw);
  if (text.includes(UNSURE_MARKER)) return { reason: 'refused' };
  if (text.length > MAX_REPLY_CHARS) return { reason: 'too-long' };
  if (echoesPrompt(text, system)) return { reason: 'prompt-echo' };
  const numbers = citationsIn(text);
  if (numbers.some((n) => !given.some((g) => g.n === n))) return { reason: 'citation', detail: numbers.join(',') };
  const invented = inventedFacts(text, factSource(given));
  if (invented.length > 0) return { reason: 'invented', detail: invented.map((f) => f.kind).join(',') };
  return undefined;
}

/**
 * Streams the model's reply into `draft`, sentence by sentence, each one
 * checked first. Returns the whole raw reply when the model finished with
 * every sentence passing, else why it stopped. Never throws.
 */
export async function streamAnswer(
  stream: NonNullable<ChatModel['stream']>,
  messages: readonly ChatMessage[],
  given: readonly GivenPassage[],
  system: string,
  draft: DraftSink,
  signal?: AbortSignal,
): Promise<StreamResult> {
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const iterator = stream(messages, { signal: both })[Symbol.asyncIterator]();
  const gate = new SentenceGate();
  let raw = '';
  let shown = '';
  /** False once the shown text and the cleaned reply part ways (nothing more is drafted; the final reply says it all). */
  let drafting = true;

  /** Checks the text up to and including `sentence`; releases it, or says why not. */
  const release = (sentence: string): StreamResult | undefined => {
    raw += sentence;
    const failed = checkSoFar(raw, given, system);
    if (failed)
      return failed.reason === 'refused'
        ? { kind: 'refused' }
        : { kind: 'fallback', reason: failed.reason, detail: failed.detail };
    const visible = withoutCitations(cleanReply(raw));
    if (drafting && visible.startsWith(shown)) {
      // The spacing before a sentence goes with it, so a line break between list items stays one.
      const piece = visible.slice(shown.length);
      if (piece) draft.delta(piece);
      shown = visible;
    } else {
      drafting = false;
    }
    return undefined;
  };

  const end = (result: StreamResult): StreamResult => {
    if (result.kind !== 'complete') {
      stop.abort();
      // Cancels the model's request; a stream that ignores it is not waited for.
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
      if (shown) draft.replace();
    }
    return result;
  };

  try {
    for (;;) {
      const next = await bounded(iterator.next(), signal);
      if (next.done) break;
      for (const sentence of gate.push(next.value)) {
        const failed = release(sentence);
        if (failed) return end(failed);
      }
    }
    const last = gate.flush();
    const failed = last ? release(last) : undefined;
    if (failed) return end(failed);
    return end({ kind: 'complete', raw, shown: shown !== '' });
  } catch (err) {
    return end({ kind: 'fallback', reason: err instanceof DeadlinePassed || signal?.aborted ? 'timeout' : 'error' });
  }
}
