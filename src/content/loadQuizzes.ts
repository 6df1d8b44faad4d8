/**
 * @module content/loadQuizzes
 *
 * Reads the quiz banks staff write by hand (`<KNOWLEDGE_DIR>/quizzes/*.yaml`)
 * and validates each with zod before the core sees it. A bank with any error
 * is left out whole — a quiz with a wrong answer key is worse than no quiz —
 * and every error is reported naming the file, the quiz and the question, so
 * staff can fix it from the message alone. The other banks keep working: one
 * typo never takes the quizzes down, and nothing in a file can make this
 * loader throw.
 *
 * Files whose name starts with "." or "_" are skipped, so staff can park a
 * draft (`_nhap.yaml`) in the folder without publishing it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import type { QuizCatalog } from '../core/ports.js';
import { QUIZ_DOMAINS, type Quiz, type QuizQuestion } from '../core/quiz/types.js';
import { boundedText, expected, formatIssues, isMapping, MAX_YAML_BYTES, readYaml, slug } from './validation.js';

/** Limits that keep a quiz readable on a phone screen and within a chat button. */
export const QUIZ_LIMITS = {
  title: 120,
  text: 300,
  option: 120,
  explanation: 400,
  source: 300,
  minOptions: 2,
  maxOptions: 4,
  minQuestions: 1,
  maxQuestions: 30,
} as const;

const QUIZ_EXTENSIONS = new Set(['.yaml', '.yml']);

const QuestionSchema = z
  .object({
    id: slug('q1'),
    text: boundedText(QUIZ_LIMITS.text),
    options: z
      .array(boundedText(QUIZ_LIMITS.option), { error: expected('a list of 2 to 4 options') })
      .superRefine((options, ctx) => {
        const n = options.length;
        if (n < QUIZ_LIMITS.minOptions || n > QUIZ_LIMITS.maxOptions) {
          ctx.addIssue({
            code: 'custom',
            message: `has ${n} option${n === 1 ? '' : 's'}; a question needs ${QUIZ_LIMITS.minOptions} to ${QUIZ_LIMITS.maxOptions}`,
          });
        }
        const seen = new Map<string, number>();
        options.forEach((option, i) => {
          const key = option.toLocaleLowerCase('vi');
          const first = seen.get(key);
          if (first !== undefined) {
            ctx.addIssue({ code: 'custom', message: `#${first + 1} and #${i + 1} are the same ("${option}")` });
          } else seen.set(key, i);
        });
      }),
    answer: z
      .number({ error: expected('the number of the correct option, counting from 0') })
      .int('must be a whole number (0 is the first option)')
      .min(0, 'must be 0 or more (0 is the first option)'),
    explanation: boundedText(QUIZ_LIMITS.explanation),
    source: boundedText(QUIZ_LIMITS.source),
  })
  .superRefine((q, ctx) => {
    if (q.answer >= q.options.length) {
      ctx.addIssue({
        code: 'custom',
        message: `answer ${q.answer} is out of range (${q.options.length} options): 0 is the first option, ${q.options.length - 1} the last`,
      });
    }
  });

const BankSchema = z.object({
  id: slug('vneid-co-ban'),
  title: boundedText(QUIZ_LIMITS.title),
  domain: z.enum(QUIZ_DOMAINS, { error: expected(`one of ${QUIZ_DOMAINS.join(', ')}`) }),
  pass_score: z
    .number({ error: expected('a share between 0 and 1, e.g. 0.8') })
    .gt(0, 'must be more than 0')
    .max(1, 'must be at most 1 (0.8 means 80% correct answers)'),
  // Questions are checked one by one below, so each problem can name its question.
  questions: z.array(z.unknown(), { error: expected('a list of questions') }).superRefine((qs, ctx) => {
    if (qs.length < QUIZ_LIMITS.minQuestions || qs.length > QUIZ_LIMITS.maxQuestions) {
      ctx.addIssue({
        code: 'custom',
        message: `has ${qs.length} questions; a quiz needs ${QUIZ_LIMITS.minQuestions} to ${QUIZ_LIMITS.maxQuestions}`,
      });
    }
  }),
});

export interface BankParseResult {
  /** Present only when the bank has no problem at all. */
  readonly quiz?: Quiz;
  readonly problems: string[];
}

/** How a question is named in messages: by its id when it has a usable one, else by position. */
function questionLabel(raw: unknown, index: number): string {
  const id = isMapping(raw) ? raw.id : undefined;
  return typeof id === 'string' && id.trim() !== '' && id.length <= 64 ? `question "${id}"` : `question #${index + 1}`;
}

/** How a quiz is named in messages, even when its id is missing or wrong. */
function quizLabel(raw: Record<string, unknown>): string {
  const id = raw.id;
  return typeof id === 'string' && id.trim() !== '' && id.length <= 64 ? `quiz "${id}"` : 'quiz (no valid id)';
}

/**
 * Validates one bank. `ref` is the file's path relative to the knowledge
 * folder (it prefixes every message); `content` is the file's bytes, whose
 * hash becomes the quiz version so an attempt begun on an older text is not resumed.
 */
export function parseQuizBank(ref: string, content: Uint8Array): BankParseResult {
  const parsed = readYaml(content);
  if (!parsed.ok) return { problems: [`${ref}: ${parsed.error}`] };
  const raw = parsed.value;
  if (!isMapping(raw)) {
    return {
      problems: [
        `${ref}: the file must be a YAML mapping with id, title, domain, pass_score and questions (found ${describeTop(raw)})`,
      ],
    };
  }
  const where = `${ref}: ${quizLabel(raw)}`;
  const problems: string[] = [];
  const bank = BankSchema.safeParse(raw);
  if (!bank.success) for (const line of formatIssues(bank.error)) problems.push(`${where}: ${line}`);

  const questions: QuizQuestion[] = [];
  const rawQuestions = Array.isArray(raw.questions) ? (raw.questions as unknown[]) : [];
  // Ids are compared as written, before validation, so a repeated id is reported even beside other errors.
  const firstIndexOfId = new Map<string, number>();
  rawQuestions.slice(0, QUIZ_LIMITS.maxQuestions * 2).forEach((rawQuestion, index) => {
    const label = `${where}, ${questionLabel(rawQuestion, index)}`;
    if (!isMapping(rawQuestion)) {
      problems.push(`${label}: must be a mapping with id, text, options, answer, explanation and source`);
      return;
    }
    if (typeof rawQuestion.id === 'string') {
      const first = firstIndexOfId.get(rawQuestion.id);
      if (first !== undefined) {
        problems.push(`${label} (#${index + 1}): duplicate question id (question #${first + 1} already uses it)`);
      } else firstIndexOfId.set(rawQuestion.id, index);
    }
    const q = QuestionSchema.safeParse(rawQuestion);
    if (!q.success) {
      for (const line of formatIssues(q.error)) problems.push(`${label}: ${line}`);
      return;
    }
    questions.push(q.data);
  });

  if (!bank.success || problems.length > 0) return { problems };
  return {
    quiz: {
      id: bank.data.id,
      title: bank.data.title,
      domain: bank.data.domain,
      passScore: bank.data.pass_score,
      questions,
      version: createHash('sha256').update(content).digest('hex').slice(0, 16),
    },
    problems,
  };
}

function describeTop(value: unknown): string {
  if (value === null || value === undefined) return 'an empty file';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'plain text' : typeof value;
}

export interface QuizBanksResult {
  /** Valid quizzes, in file-name order. */
  readonly quizzes: Quiz[];
  /** One line per problem: file, quiz, question and what is wrong. */
  readonly problems: string[];
}

/**
 * Loads every bank under `<knowledgeDir>/quizzes`. Never rejects: an
 * unreadable folder or file is one more problem line.
 */
export async function loadQuizBanks(knowledgeDir: string): Promise<QuizBanksResult> {
  return loadQuizFolder(join(knowledgeDir, 'quizzes'), 'quizzes/');
}

/** One folder of quiz banks and how its files are named in messages. */
export interface QuizLayer {
  readonly dir: string;
  /** Prefix of each file's name in messages, e.g. "quizzes/" or "communes/xa-a/quizzes/". */
  readonly refPrefix: string;
}

/**
 * Loads layered quiz folders (content/communeContent: the national banks,
 * then a commune's own): a valid bank of a later layer replaces the earlier
 * bank with the same id, any other id adds a quiz. A later bank with an error
 * replaces nothing, so a typo in a commune's copy leaves the national quiz
 * working while the problem is reported. Only the first layer must exist.
 */
export async function loadLayeredQuizBanks(layers: readonly QuizLayer[]): Promise<QuizBanksResult> {
  const byId = new Map<string, Quiz>();
  const problems: string[] = [];
  for (const [i, layer] of layers.entries()) {
    const result = await loadQuizFolder(layer.dir, layer.refPrefix, i > 0);
    problems.push(...result.problems);
    for (const quiz of result.quizzes) byId.set(quiz.id, quiz);
  }
  return { quizzes: [...byId.values()], problems };
}

async function loadQuizFolder(folder: string, refPrefix: string, missingIsFine = false): Promise<QuizBanksResult> {
  const quizzes: Quiz[] = [];
  const problems: string[] = [];
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => e.isFile() && QUIZ_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
      .sort();
  } catch (err) {
    if (missingIsFine && errorCode(err) === 'ENOENT') return { quizzes, problems };
    const lost = missingIsFine ? 'its quizzes are left out' : 'no quiz is available';
    problems.push(`${refPrefix}: cannot read the folder ${folder} (${errorCode(err)}); ${lost}`);
    return { quizzes, problems };
  }
  const fileOfId = new Map<string, string>();
  for (const name of names) {
    const ref = `${refPrefix}${name}`;
    let content: Buffer;
    try {
      const info = await stat(join(folder, name));
      if (info.size > MAX_YAML_BYTES) {
        problems.push(`${ref}: the file is ${info.size} bytes; at most ${MAX_YAML_BYTES} are read`);
        continue;
      }
      content = await readFile(join(folder, name));
    } catch (err) {
      problems.push(`${ref}: cannot read the file (${errorCode(err)})`);
      continue;
    }
    const result = parseQuizBank(ref, content);
    problems.push(...result.problems);
    if (!result.quiz) continue;
    const earlier = fileOfId.get(result.quiz.id);
    if (earlier !== undefined) {
      problems.push(`${ref}: quiz "${result.quiz.id}": duplicate quiz id (already used by ${earlier}); left out`);
      continue;
    }
    fileOfId.set(result.quiz.id, ref);
    quizzes.push(result.quiz);
  }
  return { quizzes, problems };
}

function errorCode(err: unknown): string {
  if (err instanceof Error) return 'code' in err && typeof err.code === 'string' ? err.code : err.message;
  return String(err);
}

/**
 * The validated banks behind the core's `QuizCatalog` port. Listing order is
 * the order learners see in the menu: the commune's core quizzes first (in
 * the order commune.yaml lists them), then the rest by title.
 */
export class MemoryQuizCatalog implements QuizCatalog {
  private readonly byId: ReadonlyMap<string, Quiz>;
  private readonly ordered: readonly Quiz[];

  constructor(quizzes: readonly Quiz[], first: readonly string[] = []) {
    this.byId = new Map(quizzes.map((q) => [q.id, q]));
    const rank = new Map(first.map((id, i) => [id, i]));
    this.ordered = [...this.byId.values()].sort((a, b) => {
      const ra = rank.get(a.id) ?? Number.MAX_SAFE_INTEGER;
      const rb = rank.get(b.id) ?? Number.MAX_SAFE_INTEGER;
      if (ra !== rb) return ra - rb;
      return a.title.localeCompare(b.title, 'vi') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }

  list(): readonly Quiz[] {
    return this.ordered;
  }

  get(id: string): Quiz | undefined {
    return this.byId.get(id);
  }
}
