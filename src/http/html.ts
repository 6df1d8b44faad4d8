/**
 * @module http/html
 *
 * Escaping for the few pages the server writes itself (the emulation board,
 * the staff dashboard). Hamlet names come from a file staff edit, so every
 * value goes through here before it reaches markup.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a double-quoted attribute. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}
