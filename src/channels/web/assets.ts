/**
 * @module channels/web/assets
 *
 * The web chat page: plain HTML, CSS and a small script with no build step and
 * no third-party code, read once at start-up. The page works on a basic phone
 * browser and never renders a message as HTML (text only, links built as
 * elements), so a pasted <script> stays text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WebAssets {
  readonly html: string;
  readonly script: string;
  readonly style: string;
}

export function loadWebAssets(): WebAssets {
  const read = (name: string): string =>
    readFileSync(fileURLToPath(new URL(`./public/${name}`, import.meta.url)), 'utf8');
  return { html: read('index.html'), script: read('chat.js'), style: read('chat.css') };
}
