/**
 * @module content/communeContent
 *
 * Where one commune's content comes from when one install serves many
 * communes (issue 20 item 3). The knowledge folder holds what every commune
 * shares, and one folder per commune holds what is its own:
 *
 *     knowledge/                          NATIONAL: seen by every commune
 *       *.md, faq/ …                        pages and FAQ
 *       quizzes/*.yaml                      quiz banks
 *       commune.yaml                        NOT national: the install's own commune
 *                                           (COMMUNE_ID) only, as in a one-commune install
 *     knowledge/communes/<id>/            that commune's own
 *       commune.yaml                        its name, hamlets, groups, targets, core
 *                                           quizzes, contacts (replaces, never merges)
 *       quizzes/*.yaml                      a bank with a national bank's id replaces it
 *                                           for this commune; another id adds a quiz
 *       *.md, faq/ …                        a page with a national page's path replaces
 *                                           it for this commune; another path adds a page
 *
 * The commune file in force is, in order: `communes/<id>/commune.yaml`; for
 * the install's own commune only, the top-level `commune.yaml` (so a
 * one-commune install reads exactly what it read before); otherwise none,
 * and the commune runs on `communeWithoutFile` (the plan's groups and core
 * quizzes, no hamlets, no targets) until staff write its file: another
 * commune never inherits this commune's hamlets, targets or contacts.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { communeKnowledgeDir, isDirectory, knowledgeLayerDirs } from '../rag/knowledgeLayers.js';
import { COMMUNES_FOLDER } from '../rag/loadKnowledge.js';
import { COMMUNE_FILE, DEFAULT_COMMUNE, type CommuneConfig } from './loadCommune.js';
import { loadLayeredQuizBanks, type QuizBanksResult, type QuizLayer } from './loadQuizzes.js';

/** A new commune's id (`cli commune add`): lowercase letters and digits, joined by single hyphens. */
export const COMMUNE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Any commune id the install accepts (config COMMUNE_ID's rule): safe as a folder name (no ".", no "/"). */
const COMMUNE_ID = /^[a-z0-9-]+$/;

export interface CommuneContent {
  readonly communeId: string;
  /** The knowledge folder: the national layer. */
  readonly root: string;
  /** `<root>/communes/<id>`, whether or not it exists yet. */
  readonly folder: string;
  readonly hasFolder: boolean;
  /**
   * The folder whose commune.yaml is this commune's (the commune folder, or
   * `root` for the install's own commune without one); undefined: none.
   */
  readonly communeFileDir: string | undefined;
  /** Quiz folders, national first; a later layer's bank replaces an earlier one with the same id. */
  readonly quizLayers: readonly QuizLayer[];
  /** Page folders, national first (rag/knowledgeLayers: a later file replaces the same path). */
  readonly knowledgeLayers: readonly string[];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Where `communeId`'s content is read from under the knowledge folder `root`.
 * `ownCommuneId` is the install's COMMUNE_ID, the one commune the top-level
 * commune.yaml belongs to.
 */
export async function communeContent(root: string, communeId: string, ownCommuneId: string): Promise<CommuneContent> {
  if (!COMMUNE_ID.test(communeId)) throw new Error(`invalid commune id: ${JSON.stringify(communeId)}`);
  const folder = communeKnowledgeDir(root, communeId);
  const hasFolder = await isDirectory(folder);
  let communeFileDir: string | undefined;
  if (hasFolder && (await isFile(join(folder, COMMUNE_FILE)))) communeFileDir = folder;
  else if (communeId === ownCommuneId) communeFileDir = root;
  const quizLayers: QuizLayer[] = [{ dir: join(root, 'quizzes'), refPrefix: 'quizzes/' }];
  if (hasFolder) {
    quizLayers.push({ dir: join(folder, 'quizzes'), refPrefix: `${COMMUNES_FOLDER}/${communeId}/quizzes/` });
  }
  return {
    communeId,
    root,
    folder,
    hasFolder,
    communeFileDir,
    quizLayers,
    knowledgeLayers: await knowledgeLayerDirs(root, communeId),
  };
}

/** The commune's quiz banks: the national ones with its own laid over them (never rejects). */
export function loadCommuneQuizBanks(content: CommuneContent): Promise<QuizBanksResult> {
  return loadLayeredQuizBanks(content.quizLayers);
}

/**
 * A commune with no commune.yaml yet: its name (from the `communes` row),
 * the plan's target groups and core quizzes, and nothing that would be
 * another commune's (no hamlets, no targets, no contacts).
 */
export function communeWithoutFile(name: string): CommuneConfig {
  return { ...DEFAULT_COMMUNE, name, hamlets: [], targets: [] };
}
