/**
 * A synthetic knowledge folder of a given number of passages, made by
 * recombining the real documents' paragraphs under new headings, so the
 * vocabulary and term frequencies look like a real (large) commune corpus.
 * Deterministic: the same seed gives the same corpus.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (name.endsWith('.md')) yield p;
  }
}

/** Park–Miller PRNG: reproducible without a dependency. */
function prng(seed: number): () => number {
  let s = seed % 2147483647;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

export function syntheticCorpus(
  sourceDir: string,
  outDir: string,
  passages: number,
  seed = 42,
): { files: number; passages: number } {
  const paragraphs: string[] = [];
  const headings: string[] = [];
  for (const file of walk(sourceDir)) {
    const body = readFileSync(file, 'utf8').replace(/^---[\s\S]*?\n---\n/, '');
    for (const block of body.split(/\n\s*\n/)) {
      const t = block.trim();
      if (!t) continue;
      if (t.startsWith('#')) headings.push(t.replace(/^#+\s*/, ''));
      else paragraphs.push(t);
    }
  }
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const perFile = 10;
  const files = Math.ceil(passages / perFile);
  mkdirSync(outDir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const parts = [
      `---\ntitle: Tài liệu tổng hợp số ${f + 1} – ${pick(headings)}\n---`,
      `# Tài liệu tổng hợp số ${f + 1}`,
    ];
    for (let s = 0; s < perFile; s++) {
      let section = '';
      // Two or three paragraphs per section, kept under the splitter's size so one section = one passage.
      for (let k = 0; k < 3; k++) {
        const p = pick(paragraphs);
        if (section.length + p.length > 850) break;
        section += `${p}\n\n`;
      }
      parts.push(`## ${pick(headings)} (${f + 1}.${s + 1})\n\n${section.trim() || pick(paragraphs).slice(0, 800)}`);
    }
    writeFileSync(join(outDir, `tong-hop-${String(f + 1).padStart(5, '0')}.md`), `${parts.join('\n\n')}\n`);
  }
  return { files, passages: files * perFile };
}
