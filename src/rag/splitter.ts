/**
 * @module rag/splitter
 *
 * Cuts a document into passages that each make sense alone: first at Markdown
 * headings (the heading path travels with the passage, because "Quên passcode
 * thì làm sao?" is often the only place the topic is named), then with
 * LangChain's recursive splitter when a section is too long to show a
 * resident.
 */
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

export interface Section {
  /** Heading path below the document title, e.g. "Mức 2 đăng ký ở đâu?"; empty for the intro. */
  readonly heading: string;
  readonly text: string;
}

export interface Passage {
  readonly heading: string;
  readonly text: string;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t#]*$/;

/** Splits Markdown at headings; code fences are kept inside their section. */
export function sectionsOfMarkdown(body: string, title: string): Section[] {
  const sections: Section[] = [];
  const path: string[] = [];
  let buffer: string[] = [];
  let inFence = false;
  const flush = (): void => {
    const text = buffer.join('\n').trim();
    if (text) sections.push({ heading: path.filter(Boolean).join(' › '), text });
    buffer = [];
  };
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : HEADING.exec(line);
    if (m) {
      flush();
      const level = (m[1] ?? '#').length;
      const text = (m[2] ?? '').trim();
      path.length = Math.max(0, level - 1);
      // The document's own H1 repeats the title; leave it out of the path.
      path[level - 1] = level === 1 && text === title ? '' : text;
      continue;
    }
    buffer.push(line);
  }
  flush();
  return sections;
}

/** Plain text (TXT, PDF, DOCX) becomes one section split by paragraphs. */
export function sectionsOfPlainText(text: string): Section[] {
  const trimmed = text.trim();
  return trimmed ? [{ heading: '', text: trimmed }] : [];
}

/** Splits long sections into passages of at most `chunkSize` characters. */
export async function passagesOf(
  sections: readonly Section[],
  chunkSize = 900,
  chunkOverlap = 120,
): Promise<Passage[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize,
    chunkOverlap,
    separators: ['\n\n', '\n', '. ', '; ', ', ', ' ', ''],
  });
  const out: Passage[] = [];
  for (const s of sections) {
    if (s.text.length <= chunkSize) {
      out.push({ heading: s.heading, text: s.text });
      continue;
    }
    for (const piece of await splitter.splitText(s.text)) {
      out.push({ heading: s.heading, text: piece.trim() });
    }
  }
  return out;
}
