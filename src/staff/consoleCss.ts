/**
 * @module staff/consoleCss
 *
 * One stylesheet per console page, built from shared parts: the base rules
 * (public/base.css), the page's own file, then the navigation bar's rules.
 * Each page then loads a single file under the strict CSP, and the colours,
 * type and bar are written once instead of in every page's stylesheet.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { navCss } from './consoleNav.js';

const read = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./public/${name}`, import.meta.url)), 'utf8');

let base: string | undefined;

/** base.css + `public/<file>` + the bar's rules, plus any generated rules a page adds (e.g. bar widths). */
export function consoleStylesheet(file: string, extra = ''): string {
  base ??= read('base.css');
  return base + read(file) + extra + navCss();
}
