/**
 * No channel decides what a reply is by reading its text: the core says it
 * in `OutgoingReply.kind`. A reworded Vietnamese sentence in the core must
 * never change what an adapter withholds in a group or folds into a quiz
 * message. This reads the adapters' source: no reply text tested with
 * `startsWith`/`includes`/a pattern, and no core text imported except the
 * few builders a channel renders with its own details (the private-chat
 * link).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CHANNELS = join(import.meta.dirname, '../../../src/channels');

/** Core texts a channel may import, to render them with what only the channel knows. */
const RENDERED_CORE_TEXTS = new Set(['privateOnly']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sources(CHANNELS).map((path) => ({ path: relative(CHANNELS, path), code: readFileSync(path, 'utf8') }));

/** `reply.text.startsWith(…)`, `r.text.includes(…)`, `/…/.test(verdict.text)` and the like. */
const TEXT_MATCH = /\.text\??\.(?:startsWith|endsWith|includes|match|search|indexOf)\(|\.test\(\s*[\w.?]*\.text\s*\)/;

/** `import { A, b as c } from '…/core/…/texts.js'` (any texts module of the core). */
const CORE_TEXTS_IMPORT =
  /import\s+(?:type\s+)?(\{[^}]*\}|\*\s+as\s+\w+)\s+from\s+'((?:\.\.\/)+core\/[\w/]*[tT]exts(?:\.js)?)'/g;

describe('channels read the kind of a reply, never its text', () => {
  it('finds the adapters', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('no adapter tests the text of a reply', () => {
    const offending = files.flatMap(({ path, code }) =>
      code
        .split('\n')
        .map((line, i) => ({ line: line.trim(), at: `${path}:${i + 1}` }))
        .filter(({ line }) => TEXT_MATCH.test(line) && !line.startsWith('*') && !line.startsWith('//')),
    );
    expect(offending).toEqual([]);
  });

  it('no adapter imports the core texts, except the builders it renders with its own details', () => {
    const imports = files.flatMap(({ path, code }) =>
      [...code.matchAll(CORE_TEXTS_IMPORT)].flatMap((m) => {
        const names = (m[1] ?? '').startsWith('*')
          ? ['* (the whole module)']
          : (m[1] ?? '')
              .replace(/[{}]/g, '')
              .split(',')
              .map((n) => n.trim().split(/\s+as\s+/)[0] ?? '')
              .filter(Boolean);
        return names.filter((n) => !RENDERED_CORE_TEXTS.has(n)).map((n) => `${path}: ${n} from ${m[2] ?? ''}`);
      }),
    );
    expect(imports).toEqual([]);
  });
});
