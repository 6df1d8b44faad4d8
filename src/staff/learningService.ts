/**
 * @module staff/learningService
 *
 * The learning loop behind the console pages: groups the questions the
 * assistant could not answer (core/learning/grouping, with the groups staff
 * already decided as fixed leaders), describes each group for staff, and
 * carries out their decisions: answer a group with a new FAQ entry, add its
 * questions as ways to ask an existing entry, ignore it, flag a question,
 * revert an entry. Every change is audited and published to the bot at once.
 * No HTTP here: the module (learningModule.ts) validates input and maps
 * `LearningError` to a status.
 */
import { communeDayOf } from '../core/communeTime.js';
import { firstDayOf, weeklyFigures, type WeekFigures } from '../core/learning/weekly.js';
import type { Clock, FaqEntry, KnowledgeSearch, MaybePromise } from '../core/ports.js';
import type { ConsoleFaqStore, ConsoleRevision } from '../core/stores/consoleFaq.js';
import type { LearningQuestion, LearningStore, SetAsideQuestion } from '../core/stores/learning.js';
import type { DocumentRow } from '../storage/sqlite/knowledgeIndex.js';
import {
  describeGroups,
  distinctWordings,
  foldKey,
  type DescribedGroups,
  type GroupState,
  type GroupView,
} from './learningGroups.js';
import { ADMIN_ONLY_MESSAGE, approveFaqEntry } from './faqApproval.js';
import type { SourceInput } from './learningSource.js';
import type { AuditLog, StaffPrincipal } from './types.js';

export type { GroupState, GroupView } from './learningGroups.js';

export class LearningError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'LearningError';
  }
}

export interface CandidatePage {
  readonly ref: string;
  readonly title: string;
  readonly url?: string;
  readonly score: number;
}

export interface AnswerInput extends SourceInput {
  readonly question: string;
  readonly variants: readonly string[];
  readonly answer: string;
  readonly reason?: string;
}

export interface LearningServiceDeps {
  /** The learning loop's questions and decisions (SQLite or PostgreSQL). */
  readonly questions: LearningStore;
  /** The console's FAQ entries and their revisions (SQLite or PostgreSQL). */
  readonly entries: ConsoleFaqStore;
  readonly index: { documents(): DocumentRow[]; faqEntries(): FaqEntry[] };
  readonly search: KnowledgeSearch;
  /** Makes the console's entries live for the bot (services.publishConsoleFaq). */
  readonly publish: () => MaybePromise<void>;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly threshold?: number;
}

const MAX_NEW_VARIANTS = 20;

export function createLearningService(deps: LearningServiceDeps) {
  async function compute(): Promise<DescribedGroups> {
    const questions = await deps.questions.questions();
    return describeGroups(questions, await deps.questions.decisions(), deps.threshold);
  }

  async function groupOf(id: string): Promise<{ view: GroupView; members: LearningQuestion[] }> {
    const c = await compute();
    const view = c.views.find((v) => v.id === id);
    if (!view) {
      throw new LearningError(
        404,
        'Không tìm thấy nhóm câu hỏi này (có thể danh sách đã thay đổi). Hãy tải lại trang.',
      );
    }
    return { view, members: c.members.get(id) ?? [] };
  }

  function requireAdmin(p: StaffPrincipal): void {
    if (p.role !== 'admin') {
      throw new LearningError(403, ADMIN_ONLY_MESSAGE);
    }
  }

  function firstAsked(view: GroupView): string {
    return view.firstAskedAt ?? deps.clock.now().toISOString();
  }

  /**
   * Records that a group is answered. Its anchor, what later questions are
   * compared with, is the question as staff approved it (the new entry's, or
   * the entry's the group joined): staff content, not a resident's message
   * kept past the retention of the log. An ignored group keeps its
   * representative question (see docs/learning-loop.md).
   */
  async function decideAnswered(
    view: GroupView,
    entryId: string,
    anchor: string,
    by: StaffPrincipal,
    reason: string,
  ): Promise<void> {
    await deps.questions.decide({
      id: view.id,
      status: 'answered',
      anchor,
      entryId,
      firstAskedAt: firstAsked(view),
      decidedBy: by.id,
      decidedAt: deps.clock.now().toISOString(),
      reason,
    });
  }

  return {
    /** Groups in a state (default: open), most residents first. */
    async groups(state: GroupState = 'open'): Promise<GroupView[]> {
      return (await compute()).views.filter((v) => v.state === state && (state !== 'open' || v.questions > 0));
    },

    /** The pages retrieval finds for a group's question: where an answer most likely is. */
    async candidates(question: string, limit = 3): Promise<CandidatePage[]> {
      const r = await deps.search.search(question, limit);
      return r.documents.slice(0, limit).map((d) => ({
        ref: d.ref,
        title: d.title,
        ...(d.url !== undefined && { url: d.url }),
        score: Math.round(d.score * 1000) / 1000,
      }));
    },

    /** Answers a group with a new FAQ entry; returns its id and any warning about the source. */
    async answer(
      groupId: string,
      input: AnswerInput,
      by: StaffPrincipal,
    ): Promise<{ entryId: string; warning?: string }> {
      requireAdmin(by);
      const { view } = await groupOf(groupId);
      if (view.state === 'answered') throw new LearningError(409, 'Nhóm câu hỏi này đã có câu trả lời được duyệt.');
      const reason = input.reason?.trim() || 'Trả lời nhóm câu hỏi trợ lý chưa trả lời được';
      const variants = distinctWordings(
        input.variants.filter((v) => foldKey(v) !== foldKey(input.question)),
        MAX_NEW_VARIANTS,
      );
      const approved = await approveFaqEntry(deps, { ...input, variants, reason }, by, {
        groupId,
        details: { questions: view.questions },
      });
      await decideAnswered(view, approved.entryId, input.question.trim(), by, reason);
      return approved;
    },

    /** Adds a group's wordings as ways to ask an existing FAQ entry (of the folder or the console). */
    async attach(
      groupId: string,
      asked: string,
      reasonIn: string | undefined,
      by: StaffPrincipal,
    ): Promise<{ entryId: string; revision: number }> {
      requireAdmin(by);
      const { view, members } = await groupOf(groupId);
      if (view.state === 'answered') throw new LearningError(409, 'Nhóm câu hỏi này đã có câu trả lời được duyệt.');
      // Ways to ask added earlier to a folder entry are an entry of their own: adding to them adds to that entry.
      const faqId = (await deps.entries.live(asked))?.baseFaqId ?? asked;
      const target = deps.index.faqEntries().find((e) => e.id === faqId);
      const console = await deps.entries.live(faqId);
      if (!target && !console) throw new LearningError(404, `Không có câu hỏi thường gặp mã "${faqId}".`);
      const reason = reasonIn?.trim() || 'Thêm cách hỏi từ nhóm câu hỏi trợ lý chưa trả lời được';
      const now = deps.clock.now();
      const wordings = members.map((q) => q.text);
      let entryId: string;
      let revision: number;
      if (console && console.baseFaqId === null) {
        const known = [console.question, ...console.variants];
        const added = distinctWordings([...known, ...wordings], known.length + MAX_NEW_VARIANTS).slice(known.length);
        entryId = faqId;
        revision = await deps.entries.revise(faqId, {
          question: console.question,
          variants: [...console.variants, ...added],
          answer: console.answer,
          source: console.source,
          authorId: by.id,
          at: now,
          reason,
          groupId,
        });
      } else {
        const overlayId = await deps.entries.overlayOf(faqId);
        const current = overlayId ? await deps.entries.live(overlayId) : undefined;
        const known = target ? [target.question, ...target.variants] : [];
        const mine = current ? [current.question, ...current.variants].filter(Boolean) : [];
        const added = distinctWordings(
          [...known, ...mine, ...wordings],
          known.length + mine.length + MAX_NEW_VARIANTS,
        ).slice(distinctWordings([...known, ...mine], 1000).length);
        const next = {
          question: '',
          variants: [...mine, ...added],
          answer: '',
          source: { kind: 'base' as const },
          authorId: by.id,
          at: now,
          reason,
          groupId,
        };
        if (overlayId) {
          entryId = overlayId;
          revision = await deps.entries.revise(overlayId, next);
        } else {
          entryId = await deps.entries.create(next, faqId);
          revision = 1;
        }
      }
      await decideAnswered(view, faqId, target?.question ?? console?.question ?? view.representative, by, reason);
      await deps.publish();
      await deps.audit.record({
        actorId: by.id,
        action: 'faq.attach',
        target: faqId,
        details: { group: groupId, entry: entryId, revision, questions: view.questions },
      });
      return { entryId, revision };
    },

    /** Hides a group; similar new questions join it and stay hidden. */
    async ignore(groupId: string, reasonIn: string | undefined, by: StaffPrincipal): Promise<void> {
      requireAdmin(by);
      const { view } = await groupOf(groupId);
      if (view.state !== 'open') throw new LearningError(409, 'Chỉ bỏ qua được nhóm câu hỏi đang chờ xử lý.');
      const reason = reasonIn?.trim() || null;
      await deps.questions.decide({
        id: groupId,
        status: 'ignored',
        anchor: view.representative,
        entryId: null,
        firstAskedAt: firstAsked(view),
        decidedBy: by.id,
        decidedAt: deps.clock.now().toISOString(),
        reason,
      });
      await deps.audit.record({
        actorId: by.id,
        action: 'learning.ignore',
        target: groupId,
        details: { questions: view.questions },
      });
    },

    /** Flags a logged question (by its row id) or adds one staff heard elsewhere. Any signed-in staff may. */
    async flag(input: { questionId?: number; question?: string; note?: string }, by: StaffPrincipal): Promise<string> {
      const at = deps.clock.now();
      let id: string;
      if (input.questionId !== undefined) {
        if (!(await deps.questions.flagLogged(input.questionId, by.id, at))) {
          throw new LearningError(404, `Không có câu hỏi số ${input.questionId} trong nhật ký.`);
        }
        id = `u${input.questionId}`;
      } else {
        id = await deps.questions.addTyped(input.question ?? '', input.note, by.id, at);
      }
      await deps.audit.record({ actorId: by.id, action: 'learning.flag', target: id });
      return id;
    },

    /** Recent questions set aside as out of scope or without a topic, not flagged yet. */
    async setAside(limit = 20): Promise<SetAsideQuestion[]> {
      return deps.questions.setAside(limit);
    },

    async revisions(entryId: string): Promise<ConsoleRevision[]> {
      const list = await deps.entries.revisions(entryId);
      if (list.length === 0) throw new LearningError(404, `Không có câu trả lời mã "${entryId}" do xã soạn.`);
      return list;
    },

    /** Withdraws an entry's live revision; the one before it (or nothing) is live again. */
    async revert(
      entryId: string,
      reason: string,
      by: StaffPrincipal,
    ): Promise<{ reverted: number; live: number | null }> {
      requireAdmin(by);
      if ((await deps.entries.revisions(entryId)).length === 0) {
        throw new LearningError(404, `Không có câu trả lời mã "${entryId}" do xã soạn.`);
      }
      const undone = await deps.entries.revert(entryId, by.id, deps.clock.now(), reason);
      if (!undone) throw new LearningError(409, 'Câu trả lời này không còn phiên bản nào đang dùng để hoàn tác.');
      const live = await deps.entries.live(entryId);
      // The group the reverted revision answered is open again, unless what is live now answers it too.
      if (undone.groupId !== null && live?.groupId !== undone.groupId) await deps.questions.reopen(undone.groupId);
      await deps.publish();
      await deps.audit.record({
        actorId: by.id,
        action: 'faq.revert',
        target: entryId,
        details: {
          revision: undone.revision,
          live: live?.revision ?? null,
          ...(undone.groupId && { group: undone.groupId }),
        },
      });
      return { reverted: undone.revision, live: live?.revision ?? null };
    },

    /** Console entries with their live revision (or the last one, when withdrawn). */
    async entries(): Promise<
      { id: string; baseFaqId: string | null; live: ConsoleRevision | undefined; last: ConsoleRevision }[]
    > {
      const ids = new Set(await deps.entries.allIds());
      const out = [];
      for (const id of ids) {
        const revs = await deps.entries.revisions(id);
        const last = revs[0];
        if (!last) continue;
        out.push({ id, baseFaqId: last.baseFaqId, live: revs.find((r) => r.status === 'active'), last });
      }
      return out;
    },

    async weekly(weeks = 8): Promise<WeekFigures[]> {
      const now = deps.clock.now();
      const from = firstDayOf(now, weeks);
      const days = await deps.questions.outcomes(from, communeDayOf(now));
      const answered = (await deps.questions.decisions())
        .filter((d) => d.status === 'answered')
        .map((d) => ({ firstAskedAt: d.firstAskedAt, decidedAt: d.decidedAt }));
      return weeklyFigures(days, answered, now, weeks);
    },
  };
}

export type LearningService = ReturnType<typeof createLearningService>;
