/**
 * @module rag/loadKnowledge
 *
 * Reads the knowledge folder: Markdown with front matter, plain text, PDF and
 * DOCX guidance that staff drop in (PDF and DOCX through LangChain's document
 * loaders), and FAQ YAML files under `faq/`. Each file is hashed so ingestion
 * can skip what did not change; a file that cannot be read is reported by name
 * and the rest carries on.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import type { FaqEntry } from '../core/ports.js';
import { cleanText } from '../core/text/normalize.js';
import { parseFaqFile } from './faqFile.js';
import { firstHeading, parseMarkdown } from './frontMatter.js';
import { sectionsOfMarkdown, sectionsOfPlainText, type Section } from './splitter.js';

export const DOCUMENT_EXTENSIONS = new Set(['.md', '.markdown', '.txt', '.pdf', '.docx']);
const FAQ_EXTENSIONS = new Set(['.yaml', '.yml']);
/** The folder of the knowledge folder that holds one sub-folder per commune. */
export const COMMUNES_FOLDER = 'communes';

export interface KnowledgeFile {
  /** Path relative to the knowledge folder, with "/" separators. */
  readonly ref: string;
  readonly absPath: string;
  readonly kind: 'doc' | 'faq';
}

export interface LoadedDocument {
  readonly kind: 'doc';
  readonly ref: string;
  readonly title: string;
  readonly url?: string;
  readonly meta: Record<string, unknown>;
  readonly sections: Section[];
}

export interface LoadedFaqFile {
  readonly kind: 'faq';
  readonly ref: string;
  readonly entries: FaqEntry[];
  readonly problems: string[];
}

export type LoadedFile = LoadedDocument | LoadedFaqFile;

/** Folders and files that live in the knowledge folder but are not answers. */
function isIgnored(ref: string): boolean {
  const name = basename(ref);
  if (name.startsWith('.') || name.startsWith('_') || name.startsWith('~$')) return true;
  if (ref.startsWith('quizzes/')) return true;
  // Each commune's own pages (rag/knowledgeLayers): indexed for that commune only, over the national ones.
  if (ref.startsWith(`${COMMUNES_FOLDER}/`)) return true;
  if (/^readme\.(md|txt)$/i.test(ref)) return true;
  return false;
}

/** Lists every file ingestion would consider, sorted for stable output. */
export async function listKnowledgeFiles(dir: string): Promise<KnowledgeFile[]> {
  const out: KnowledgeFile[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const e of entries) {
      const abs = join(current, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !e.name.startsWith('node_modules')) await walk(abs);
        continue;
      }
      if (!e.isFile()) continue;
      const ref = relative(dir, abs).split(sep).join('/');
      if (isIgnored(ref)) continue;
      const ext = extname(e.name).toLowerCase();
      if (DOCUMENT_EXTENSIONS.has(ext)) out.push({ ref, absPath: abs, kind: 'doc' });
      else if (FAQ_EXTENSIONS.has(ext) && ref.startsWith('faq/')) out.push({ ref, absPath: abs, kind: 'faq' });
    }
  };
  await walk(dir);
  return out.sort((a, b) => a.ref.localeCompare(b.ref));
}

export async function hashFile(absPath: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(absPath))
    .digest('hex');
}

/** A title from the file name: "huong-dan_vneid.pdf" → "huong dan vneid". */
function titleFromFileName(ref: string): string {
  return basename(ref, extname(ref)).replace(/[-_]+/g, ' ').trim() || ref;
}

async function loadPdf(absPath: string): Promise<string> {
  const { PDFLoader } = await import('@langchain/community/document_loaders/fs/pdf');
  const docs = await new PDFLoader(absPath, { splitPages: false }).load();
  return docs.map((d) => d.pageContent).join('\n\n');
}

async function loadDocx(absPath: string): Promise<string> {
  const { DocxLoader } = await import('@langchain/community/document_loaders/fs/docx');
  const docs = await new DocxLoader(absPath).load();
  return docs.map((d) => d.pageContent).join('\n\n');
}

/** Reads and parses one file; throws an Error whose message says what is wrong with it. */
export async function loadKnowledgeFile(file: KnowledgeFile): Promise<LoadedFile> {
  if (file.kind === 'faq') {
    const { entries, problems } = parseFaqFile(await readFile(file.absPath, 'utf8'));
    return { kind: 'faq', ref: file.ref, entries, problems };
  }
  const ext = extname(file.absPath).toLowerCase();
  if (ext === '.md' || ext === '.markdown') {
    const raw = await readFile(file.absPath, 'utf8');
    const { frontMatter, body } = parseMarkdown(cleanText(raw));
    const title = frontMatter.title ?? firstHeading(body) ?? titleFromFileName(file.ref);
    const { title: _t, url, ...meta } = frontMatter;
    return { kind: 'doc', ref: file.ref, title, url, meta, sections: sectionsOfMarkdown(body, title) };
  }
  let text: string;
  if (ext === '.pdf') text = await loadPdf(file.absPath);
  else if (ext === '.docx') text = await loadDocx(file.absPath);
  else text = await readFile(file.absPath, 'utf8');
  text = cleanText(text);
  if (!text) throw new Error('the file has no readable text');
  const heading = ext === '.txt' ? undefined : firstHeading(text);
  return {
    kind: 'doc',
    ref: file.ref,
    title: heading ?? titleFromFileName(file.ref),
    meta: {},
    sections: sectionsOfPlainText(text),
  };
}
