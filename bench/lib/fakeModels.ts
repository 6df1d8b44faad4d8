/**
 * Fake chat models for `bench:llm`, so the LLM path is measured without a
 * network or a bill, and repeatably:
 *
 * - `ReaderModel` answers only from the passages it is given, the way a
 *   careful model would: it takes the first passage (in the order given)
 *   sharing nearly as many of the question's topic words as the closest one,
 *   quotes its sentences that mention them, and cites it; with
 *   no passage sharing enough of the question it refuses (KHONG_CHAC). It
 *   can never invent a fact, so it measures what the pipeline does with a
 *   good model, not how good a real model is.
 * - `InventingModel` answers the same, then adds one invented fact (a phone
 *   number, a fee, a date, a document number, a web address) or cites a
 *   passage it was not given: every such reply must be stopped.
 *
 * Both record each request so the bench can count prompt tokens.
 */
import type { ChatCallOptions, ChatMessage, ChatModel } from '../../src/core/ports.js';
import { tokenize } from '../../src/core/text/normalize.js';
import { contentTokens } from '../../src/core/text/stopwords.js';

export interface Given {
  readonly n: number;
  readonly text: string;
}

/** The numbered passages and the question of an answer prompt (see prompts/answer.md). */
export function parsePrompt(user: string): { passages: Given[]; question: string } {
  const question = /<<<\n([\s\S]*?)\n>>>/.exec(user)?.[1] ?? '';
  const context = user.slice(0, user.search(/\n\nCÂU HỎI/u)).replace(/^TÀI LIỆU:\n/u, '');
  const passages = context
    .split(/\n\n(?=\[\d+\] )/)
    .map((block) => ({ n: Number(/^\[(\d+)\]/.exec(block)?.[1]), text: block.replace(/^\[\d+\]\s*/, '') }))
    .filter((p) => Number.isFinite(p.n));
  return { passages, question };
}

const terms = (text: string): Set<string> => new Set(contentTokens(tokenize(text)));

/** Share of the question's topic words the passage holds. */
function overlap(q: ReadonlySet<string>, text: string): number {
  if (q.size === 0) return 0;
  const t = terms(text);
  return [...q].filter((w) => t.has(w)).length / q.size;
}

/** By default, below this share of the question's words no passage answers it: the reader refuses. */
const ANSWERS = 0.4;
/** A passage this much less close than the closest still wins when it comes first. */
const CLOSE_ENOUGH = 0.15;

export class ReaderModel implements ChatModel {
  readonly requests: (readonly ChatMessage[])[] = [];
  readonly replies: string[] = [];

  /** `answers`: the share of the question's topic words a passage must hold for the reader to answer from it. */
  constructor(private readonly answers = ANSWERS) {}

  complete(messages: readonly ChatMessage[], _options?: ChatCallOptions): Promise<string> {
    this.requests.push(messages);
    const reply = this.answer(messages.find((m) => m.role === 'user')?.content ?? '');
    this.replies.push(reply);
    return Promise.resolve(reply);
  }

  protected answer(user: string): string {
    // A rewrite request: the bench asks stateless questions, so the new message is already stand-alone.
    if (user.startsWith('CUỘC TRÒ CHUYỆN')) return /<<<\n([\s\S]*?)\n>>>/.exec(user)?.[1] ?? '';
    const { passages, question } = parsePrompt(user);
    const q = terms(question);
    const scored = passages.map((p) => ({ p, score: overlap(q, p.text) }));
    const top = Math.max(0, ...scored.map((x) => x.score));
    if (top < this.answers) return 'KHONG_CHAC';
    // Like a model reading in order: the first passage nearly as close as the closest one.
    const best = scored.find((x) => x.score >= top - CLOSE_ENOUGH);
    if (!best) return 'KHONG_CHAC';
    const parts = [`${quote(best.p.text, q, 4)} [${best.p.n}]`];
    // A second passage holding words of the question the first lacks (a question in two parts).
    const have = terms(best.p.text);
    const second = scored.find(
      (r) => r !== best && r.score >= 0.5 && [...q].some((w) => !have.has(w) && terms(r.p.text).has(w)),
    );
    if (second) parts.push(`${quote(second.p.text, q, 2)} [${second.p.n}]`);
    return parts.join('\n');
  }
}

/** The passage's sentences that mention the question's words (at most `max`, in order); its opening otherwise. */
function quote(text: string, q: ReadonlySet<string>, max: number): string {
  const body = text.split('\n').slice(1).join('\n') || text;
  const sentences = body
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const scored = sentences.map((s, i) => ({ s, i, k: [...terms(s)].filter((w) => q.has(w)).length }));
  const picked = scored
    .filter((x) => x.k > 0)
    .sort((a, b) => b.k - a.k || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.s);
  return (picked.length > 0 ? picked : sentences.slice(0, 2)).join(' ').slice(0, 700);
}

/** One invented fact per reply, in turn; the last one cites a passage that was not given. */
export const INVENTIONS: readonly { kind: string; text: string; marker: string }[] = [
  { kind: 'phone', text: 'Bà con gọi 0912 345 678 để được hỗ trợ', marker: '0912 345 678' },
  { kind: 'fee', text: 'Lệ phí là 35.000 đồng', marker: '35.000 đồng' },
  { kind: 'date', text: 'Hạn chót là ngày 15/8/2025', marker: '15/8/2025' },
  { kind: 'document', text: 'Theo Nghị định 99/2025/NĐ-CP', marker: '99/2025/NĐ-CP' },
  { kind: 'url', text: 'Xem thêm tại dichvucong-hotro.com', marker: 'dichvucong-hotro.com' },
  { kind: 'citation', text: 'Bà con làm xong trong 5 phút [9]', marker: 'trong 5 phút' },
];

export class InventingModel extends ReaderModel {
  private turn = 0;
  /** The invention added to the last reply (undefined when the reader refused). */
  last?: (typeof INVENTIONS)[number];

  protected override answer(user: string): string {
    const honest = super.answer(user);
    this.last = undefined;
    if (honest === 'KHONG_CHAC' || user.startsWith('CUỘC TRÒ CHUYỆN')) return honest;
    const invention = INVENTIONS[this.turn++ % INVENTIONS.length];
    if (!invention) return honest;
    this.last = invention;
    // Cited like a real fact, so only the fact check (or the citation check) can stop it.
    const cite = /\[(\d+)\]/.exec(honest)?.[0] ?? '[1]';
    return `${honest}\n${invention.text}${invention.kind === 'citation' ? '' : ` ${cite}`}.`;
  }
}
