/**
 * @module staff/handoffFaq
 *
 * "Lưu thành câu hỏi thường gặp": a staff reply of a handoff conversation
 * becomes an FAQ entry in one action, on the learning loop's terms
 * (faqApproval.ts: administrators only, a checked source, published at once,
 * audited). The question is what staff keep of the resident's message before
 * the reply (they remove anything personal); the reply must be a staff
 * message of this very conversation, so an id from elsewhere saves nothing.
 */
import type { HandoffStore, HandoffThread } from '../core/stores/handoff.js';
import { approveFaqEntry, type FaqApprovalDeps } from './faqApproval.js';
import { FaqFromReplySchema, firstProblem } from './handoffSchemas.js';
import { distinctWordings, foldKey } from './learningGroups.js';
import { LearningError } from './learningService.js';
import type { StaffPrincipal } from './types.js';

/** New ways to ask an FAQ entry may take at most (as in the learning loop). */
const MAX_NEW_VARIANTS = 20;
const DEFAULT_REASON = 'Câu trả lời của cán bộ trong mục Hỏi cán bộ';

export type FaqOutcome =
  | { readonly ok: true; readonly entryId: string; readonly messageId: number }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 409; readonly error: string };

export async function saveReplyAsFaq(
  deps: { readonly store: HandoffStore; readonly approval: FaqApprovalDeps },
  thread: HandoffThread,
  fields: Readonly<Record<string, string>>,
  by: StaffPrincipal,
): Promise<FaqOutcome> {
  const input = FaqFromReplySchema.safeParse(fields);
  if (!input.success) return { ok: false, status: 400, error: firstProblem(input.error) };
  const { messageId, question, variants, answer, reason, ...source } = input.data;
  const reply = deps.store.messages(thread.id, messageId - 1, 1)[0];
  if (reply?.id !== messageId || reply.author !== 'staff') {
    return { ok: false, status: 400, error: 'Chỉ lưu được câu trả lời của cán bộ trong cuộc trò chuyện này.' };
  }
  try {
    const { entryId } = await approveFaqEntry(
      deps.approval,
      {
        ...source,
        question,
        variants: distinctWordings(
          variants.filter((v) => foldKey(v) !== foldKey(question)),
          MAX_NEW_VARIANTS,
        ),
        answer,
        reason: reason ?? DEFAULT_REASON,
      },
      by,
      { details: { handoffThread: thread.id, message: messageId, length: answer.length } },
    );
    return { ok: true, entryId, messageId };
  } catch (err) {
    if (err instanceof LearningError) return { ok: false, status: err.status, error: err.message };
    throw err;
  }
}
