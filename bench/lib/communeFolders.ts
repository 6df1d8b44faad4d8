/**
 * The knowledge of many communes for bench:scale's memory leg: a knowledge
 * root laid out as an install of many communes reads it
 * (rag/knowledgeLayers): the bundled national pages (copied),
 * the commune settings and quizzes, and `communes/<id>/` holding each
 * commune's own synthetic pages. A synthetic page is about the size of a
 * bundled one (~6 KB), made of the bundled pages' own sentences drawn with a
 * seeded generator, with headings and a few words of its commune's own, so
 * the index holds a realistic vocabulary and every commune a different text.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mulberry32 } from './seeded.js';

/** The sentences of the bundled pages' bodies (front matter and headings left out). */
function sentencesOf(knowledge: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.md') && e.name !== 'README.md') {
        const body = readFileSync(path, 'utf8').replace(/^---[\s\S]*?\n---\n/, '');
        for (const line of body.split('\n')) {
          if (line.startsWith('#') || line.trim().length < 30) continue;
          out.push(...line.split(/(?<=[.!?])\s+/).filter((s) => s.length >= 30));
        }
      }
    }
  };
  walk(knowledge);
  return out;
}

export interface CommuneFolders {
  readonly root: string;
  readonly communeIds: readonly string[];
}

/**
 * Writes `communes` × `documents` synthetic pages under `root`; `national`
 * links the bundled national pages in as the layer every commune sees.
 */
export function writeCommuneFolders(
  root: string,
  opts: { communes: number; documents: number; national: boolean; knowledge?: string },
): CommuneFolders {
  const knowledge = resolve(opts.knowledge ?? 'knowledge');
  mkdirSync(root, { recursive: true });
  for (const e of readdirSync(knowledge, { withFileTypes: true })) {
    // Settings and quizzes always; the national pages when asked.
    const keep = e.name === 'commune.yaml' || e.name === 'quizzes' || (opts.national && e.isDirectory());
    // Copied, not linked: the knowledge reader does not follow a linked folder (about 1 MB).
    if (keep && e.name !== 'communes') cpSync(join(knowledge, e.name), join(root, e.name), { recursive: true });
  }
  const sentences = sentencesOf(knowledge);
  const communeIds: string[] = [];
  for (let c = 0; c < opts.communes; c++) {
    const id = `xa-${String(c + 1).padStart(3, '0')}`;
    communeIds.push(id);
    const dir = join(root, 'communes', id, 'dia-phuong');
    mkdirSync(dir, { recursive: true });
    const random = mulberry32(c + 1);
    const pick = (): string => sentences[Math.floor(random() * sentences.length)] ?? '';
    for (let d = 0; d < opts.documents; d++) {
      const sections: string[] = [];
      for (let s = 0; s < 4; s++) {
        const body = Array.from({ length: 10 }, pick).join(' ');
        sections.push(`## Mục ${s + 1} của xã ${id} (trang ${d + 1})\n\n${body}`);
      }
      const title = `Hướng dẫn số ${d + 1} của xã ${id}`;
      writeFileSync(
        join(dir, `trang-${String(d + 1).padStart(2, '0')}.md`),
        `---\ntitle: ${title}\ntopics: [dia-phuong]\nchecked: 2026-12-07\n---\n\n# ${title}\n\n${sections.join('\n\n')}\n`,
      );
    }
  }
  return { root, communeIds };
}
