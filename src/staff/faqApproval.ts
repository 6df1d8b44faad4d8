/**
 * @module staff/faqApproval
 *
 * The one way a new FAQ entry written by staff becomes what the assistant
 * says: only a commune administrator approves, the source must pass
 * learningSource's checks (a known document, an official https page or a
 * signed commune decision), the entry is stored as revision 1, published to
 * the bot at once, and audited as `faq.approve`. The learning loop's "answer
 * a group" and the handoff console's "save this reply as an FAQ" both come
 * through here, so neither can approve an answer on weaker terms.
 */
import { communeDayOf } from '../core/communeTime.js';
import type { Clock, MaybePromise } from '../core/ports.js';
import type { ConsoleFaqStore } from '../core/stores/consoleFaq.js';
import type { DocumentRow } from '../storage/sqlite/knowledgeIndex.js';
import { checkSource, type SourceInput } from './learningSource.js';
import { LearningError } from './learningService.js';
import type { AuditLog, StaffPrincipal } from './types.js';

/** What approving an entry needs from the learning loop's storage and the bot. */
export interface FaqApprovalDeps {
  readonly entries: Pick<ConsoleFaqStore, 'create'>;
  readonly index: { documents(): readonly DocumentRow[] };
  /** Makes the console's entries live for the bot (services.publishConsoleFaq). */
  readonly publish: () => MaybePromise<void>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export interface NewFaqInput extends SourceInput {
  readonly question: string;
  readonly variants: readonly string[];
  readonly answer: string;
  /** Why, as kept in the revision (the caller's default when staff gave none). */
  readonly reason: string;
}

export const ADMIN_ONLY_MESSAGE = 'Chỉ quản trị viên của xã được duyệt, bỏ qua hoặc hoàn tác câu trả lời.';

/**
 * Approves a new entry; throws LearningError (403 not an admin, 400 source refused).
 * @param origin what the entry answers (a learning group) and extra audit details (ids and counts only)
 */
export async function approveFaqEntry(
  deps: FaqApprovalDeps,
  input: NewFaqInput,
  by: StaffPrincipal,
  origin: { readonly groupId?: string; readonly details?: Readonly<Record<string, unknown>> } = {},
): Promise<{ entryId: string; warning?: string }> {
  if (by.role !== 'admin') throw new LearningError(403, ADMIN_ONLY_MESSAGE);
  const checked = checkSource(input, deps.index.documents(), communeDayOf(deps.clock.now()));
  if (!checked.ok) throw new LearningError(400, checked.message);
  const entryId = await deps.entries.create({
    question: input.question.trim(),
    variants: input.variants,
    answer: input.answer.trim(),
    source: checked.source,
    authorId: by.id,
    at: deps.clock.now(),
    reason: checked.warning ? `${input.reason} (${checked.warning})` : input.reason,
    ...(origin.groupId !== undefined && { groupId: origin.groupId }),
  });
  await deps.publish();
  await deps.audit.record({
    actorId: by.id,
    action: 'faq.approve',
    target: entryId,
    details: {
      ...(origin.groupId !== undefined && { group: origin.groupId }),
      revision: 1,
      source: checked.source.kind,
      ...origin.details,
      ...(checked.warning && { warning: checked.warning }),
    },
  });
  return { entryId, ...(checked.warning && { warning: checked.warning }) };
}
