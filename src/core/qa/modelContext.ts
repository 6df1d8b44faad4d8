/**
 * @module core/qa/modelContext
 *
 * What the model is given: retrieval's top passages, numbered so the reply
 * can cite them, with approved FAQ answers among them marked as approved.
 * Each passage is trimmed around the question's words so a question costs
 * well under 1,500 prompt tokens; a passage the question barely touches is
 * left out, and with nothing left the model is not asked at all ("not sure"
 * comes from retrieval finding nothing relevant).
 */
import type { FaqMatch, KnowledgeSearch } from '../ports.js';
import type { Evaluated } from './evaluate.js';
import { passageText } from './format.js';

/** Passages given to the model at most (approved FAQ answers included). */
export const MAX_GIVEN = 4;
/** FAQ answers given at most, beside the passages. */
const MAX_FAQS = 2;
/** Characters of one passage at most (trimmed around the question's words). */
const PASSAGE_CHARS = 650;
/** A passage covering less of the question's topic than this is not about it. */
export const RELEVANT_COVERAGE = 0.3;
/** An FAQ entry less similar than this is not about the question. */
const RELEVANT_FAQ = 0.4;

export interface GivenPassage {
  /** Its number in the prompt, from 1. */
  readonly n: number;
  /** Stable id in the cache key: `p:<index id>` or `faq:<entry id>`. */
  readonly id: string;
  readonly ref: string;
  readonly title: string;
  readonly url?: string;
  readonly heading: string;
  readonly text: string;
  /** An answer written and approved by staff (an FAQ entry). */
  readonly approved: boolean;
  readonly score: number;
}

/**
 * The passages for the model, in the answerer's order of preference: the FAQ
 * entry it would have chosen, then its best passage, the other close FAQ
 * answers, and the next passages. Models lean on what comes first, so the
 * order matters as much as the choice. None when retrieval found nothing
 * relevant.
 */
export async function givenPassages(ev: Evaluated, search: KnowledgeSearch): Promise<GivenPassage[]> {
  const chosen = ev.choice.faq?.match;
  const faqs = ev.result.faqs.filter((m) => m !== chosen && m.similarity >= RELEVANT_FAQ);
  const passages: Omit<GivenPassage, 'n'>[] = [];
  const seen = new Set<string>();
  for (const c of ev.choice.ranked) {
    if (passages.length >= MAX_GIVEN) break;
    if (c.passage.coverage < RELEVANT_COVERAGE) continue;
    const text = passageText(c.passage, ev.result.queryTerms, PASSAGE_CHARS);
    if (seen.has(text)) continue;
    seen.add(text);
    passages.push({
      id: c.passage.id !== undefined ? `p:${c.passage.id}` : `d:${c.doc.ref}#${c.passage.heading}`,
      ref: c.doc.ref,
      title: c.doc.title,
      url: c.doc.url,
      heading: c.passage.heading,
      text,
      approved: false,
      score: c.doc.score,
    });
  }
  const approved = async (m: FaqMatch): Promise<Omit<GivenPassage, 'n'>> => {
    const info = await search.document(m.entry.sourceRef);
    return {
      id: `faq:${m.entry.id}`,
      ref: m.entry.sourceRef,
      title: info?.title ?? m.entry.sourceRef,
      url: info?.url,
      heading: m.entry.question,
      text: m.entry.answer.trim().slice(0, PASSAGE_CHARS),
      approved: true,
      score: m.similarity,
    };
  };
  const ordered: Omit<GivenPassage, 'n'>[] = [];
  if (chosen && chosen.similarity >= RELEVANT_FAQ) ordered.push(await approved(chosen));
  ordered.push(...passages.slice(0, 1));
  for (const m of faqs.slice(0, MAX_FAQS - ordered.filter((g) => g.approved).length)) ordered.push(await approved(m));
  ordered.push(...passages.slice(1));
  return ordered.slice(0, MAX_GIVEN).map((g, i) => ({ ...g, n: i + 1 }));
}

/** Label the prompt gives an approved answer (the prompt tells the model what it means). */
export const APPROVED_LABEL = 'CÂU TRẢ LỜI ĐÃ DUYỆT';

/** The numbered passages as the prompt's {{context}}. */
export function contextOf(given: readonly GivenPassage[]): string {
  return given
    .map((g) =>
      g.approved
        ? `[${g.n}] (${APPROVED_LABEL}) ${g.heading}\n${g.text}`
        : `[${g.n}] ${g.title}${g.heading ? ` – ${g.heading}` : ''}\n${g.text}`,
    )
    .join('\n\n');
}

/** Everything a reply's facts may come from: the passages and their documents' addresses. */
export function factSource(given: readonly GivenPassage[]): string {
  return `${contextOf(given)}\n${given.map((g) => g.url ?? '').join('\n')}`;
}

/**
 * Prompt tokens of a text, estimated without a tokenizer: about 1.4 tokens a
 * word (a Vietnamese word is one syllable; tokenizers of the o200k/Qwen class
 * spend 1–1.5 tokens on one, more on a syllable without marks split oddly)
 * plus one per punctuation mark. `bench:llm` compares it with o200k counts.
 */
export function estimateTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  const punctuation = (text.match(/[^\p{L}\p{N}\s]/gu) ?? []).length;
  return Math.ceil(words * 1.4 + punctuation);
}
