/**
 * @module core/qa/sentenceGate
 *
 * Cuts a model's streamed text into whole sentences. A fact can only be
 * checked once it is complete ("0912" is harmless, "0912 345 678" may be
 * invented), so nothing is released before its sentence ends: at ".", "?",
 * "!" or "…" followed by a space, or at a line break (which also ends a list
 * item). A dot inside a number or an address ("50.000", "dichvucong.gov.vn")
 * is followed by no space and ends nothing.
 */

/** The end of the first sentence in `text` (index just past it), or -1 while it is unfinished. */
function sentenceEnd(text: string): number {
  const m = /[.?!…]+["'”)\]]*(?=\s)|\n/u.exec(text);
  if (!m) return -1;
  let end = m.index + m[0].length;
  // The spaces and line breaks after it belong to it: the next sentence starts at its first word.
  while (end < text.length && /\s/u.test(text[end] ?? '')) end++;
  // Spaces running to the end of the buffer may yet turn into a paragraph break: wait for more, unless a line already broke.
  return end === text.length && !text.slice(m.index + m[0].length).includes('\n') ? -1 : end;
}

export class SentenceGate {
  private buffer = '';

  /** Adds a piece of text; returns the sentences it completed (each with the spacing after it). */
  push(piece: string): string[] {
    this.buffer += piece;
    const out: string[] = [];
    for (let end = sentenceEnd(this.buffer); end > 0; end = sentenceEnd(this.buffer)) {
      out.push(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end);
    }
    return out;
  }

  /** What is left when the stream ends: the last sentence, possibly without its full stop. */
  flush(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }
}
