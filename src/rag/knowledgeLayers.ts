/**
 * @module rag/knowledgeLayers
 *
 * Many communes on one install share most of their knowledge: the national
 * guidance (VNeID, public services, online safety) is the same everywhere,
 * while opening hours, contacts and local procedures are each commune's own.
 * The knowledge folder is therefore read in layers:
 *
 *     knowledge/                       national pages, seen by every commune
 *     knowledge/communes/<commune-id>/ that commune's pages, same layout
 *
 * A commune's page with the same path as a national one replaces it for that
 * commune only (`communes/hung-chau/vneid/cai-dat.md` overrides
 * `vneid/cai-dat.md`); any other path adds a page. FAQ files work the same way
 * (`communes/<id>/faq/*.yaml`). Refs stay relative to their layer, so sources
 * and links read the same in every commune, and a single-commune install
 * without `communes/` reads exactly what it read before.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMUNES_FOLDER, listKnowledgeFiles, type KnowledgeFile } from './loadKnowledge.js';

/** The folder of one commune's own pages (it may not exist). */
export function communeKnowledgeDir(root: string, communeId: string): string {
  return join(root, COMMUNES_FOLDER, communeId);
}

/** Whether `path` is a folder (false when it is missing or unreadable). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The folders a commune's pages are read from, in order: the national one, then its own when it exists. */
export async function knowledgeLayerDirs(root: string, communeId?: string): Promise<string[]> {
  const layers = [root];
  if (communeId !== undefined) {
    const own = communeKnowledgeDir(root, communeId);
    if (await isDirectory(own)) layers.push(own);
  }
  return layers;
}

/**
 * The files a commune's index is built from: the national folder, then the
 * commune's own folder when it has one, a later layer's file replacing an
 * earlier one of the same ref. Sorted by ref, as `listKnowledgeFiles`.
 */
export async function listCommuneKnowledgeFiles(root: string, communeId?: string): Promise<KnowledgeFile[]> {
  const layers = await knowledgeLayerDirs(root, communeId);
  const byRef = new Map<string, KnowledgeFile>();
  for (const dir of layers) for (const f of await listKnowledgeFiles(dir)) byRef.set(f.ref, f);
  return [...byRef.values()].sort((a, b) => a.ref.localeCompare(b.ref));
}
