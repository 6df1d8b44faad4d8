/**
 * Follow-ups rewritten by the language model, through the engine and a
 * scripted ChatModel: the last turns (bounded, masked, expiring) go to the
 * model with the new message, the stand-alone question is what retrieval
 * searches, the rewrite is logged with personal numbers masked, and without
 * a model the conversation state holds no turns at all.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/core/conversation/engine.js';
import { MAX_TURNS } from '../../../../src/core/conversation/qaMemory.js';
import type { ChatMessage, SearchResult } from '../../../../src/core/ports.js';
import type { AnswerWriter, ModelEvent } from '../../../../src/core/qa/answerer.js';
import { MemoryConversationRepo, MemoryUnansweredLog } from '../../../../src/storage/memory/index.js';
import { ScriptedChatModel, TEST_PROMPTS } from '../../../fakes/chatModel.js';
import { documentHit, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';
import { fixedClock } from '../../../helpers.js';

const LEVEL = { ref: 'vneid/muc-dinh-danh.md', title: 'Định danh mức 1 và mức 2' };
const TEXT = 'Mức 1 đăng ký ngay trên ứng dụng VNeID. Mức 2 làm tại công an xã.';

function respond(q: string): SearchResult {
  const onTopic = /muc|dinh danh/.test(q);
  return searchResult({
    documents: [documentHit({ ...LEVEL, coverage: onTopic ? 0.9 : 0.35, text: TEXT })],
    queryTerms: ['muc'],
  });
}

const isRewrite = (m: readonly ChatMessage[]): boolean => m[1]?.content.startsWith('LỊCH SỬ') ?? false;

function rig(withModel = true) {
  const search = new FakeKnowledgeSearch({ respond, documents: { [LEVEL.ref]: LEVEL } });
  const model = new ScriptedChatModel((m) =>
    isRewrite(m)
      ? 'Đăng ký định danh mức 1 thì làm ở đâu, số 0912345678 gọi được không?'
      : 'Bà con làm trên ứng dụng VNeID [1].',
  );
  const events: ModelEvent[] = [];
  const writer: AnswerWriter = { model, prompts: TEST_PROMPTS, onEvent: (e) => events.push(e) };
  const repo = new MemoryConversationRepo();
  const clock = fixedClock();
  const engine = createEngine({
    search,
    state: repo,
    unanswered: new MemoryUnansweredLog(),
    clock,
    ...(withModel && { writer }),
  });
  const key = { channel: 'web' as const, userId: 'u1' };
  return { search, model, events, repo, clock, key, send: (text: string) => engine.handle({ ...key, text }) };
}

describe('follow-ups rewritten by the model', () => {
  it('rewrites a follow-up from the last turns and searches the stand-alone question', async () => {
    const r = rig();
    await r.send('đăng ký định danh mức 2 ở đâu');
    const replies = await r.send('còn mức 1 thì sao?');
    const rewrite = r.model.calls.find((c) => isRewrite(c.messages));
    expect(rewrite?.messages[1]?.content).toContain('Người dân: đăng ký định danh mức 2 ở đâu');
    expect(rewrite?.messages[1]?.content).toContain('Trợ lý: Bà con làm trên ứng dụng VNeID.');
    expect(rewrite?.messages[1]?.content).toContain('còn mức 1 thì sao?');
    expect(r.search.calls.at(-1)?.question).toMatch(/định danh mức 1 thì làm ở đâu/);
    expect(replies[0]?.text).toContain('Bà con làm trên ứng dụng VNeID.');
    // Logged for staff, with the personal number the model copied masked.
    expect(r.events).toEqual([
      {
        type: 'rewrite',
        original: 'còn mức 1 thì sao?',
        rewritten: expect.not.stringContaining('0912345678'),
      },
    ]);
  });

  it('does not call the model to rewrite a question that stands alone', async () => {
    const r = rig();
    await r.send('đăng ký định danh mức 2 ở đâu');
    await r.send('cách cài đặt ứng dụng VNeID trên điện thoại Android đời cũ như thế nào');
    expect(r.model.calls.filter((c) => isRewrite(c.messages))).toHaveLength(0);
  });

  it('keeps at most three turns, masked, and forgets them after a quiet spell', async () => {
    const r = rig();
    for (let i = 0; i < 5; i++) await r.send(`đăng ký định danh mức 2 lần ${i}, số căn cước 040190012345`);
    const state = r.repo.get(r.key);
    const turns = state?.qaTurns as { question: string }[];
    expect(turns).toHaveLength(MAX_TURNS);
    expect(JSON.stringify(turns)).not.toContain('040190012345');
    r.clock.set('2026-12-01T09:00:00.000Z');
    await r.send('còn mức 1 thì sao?');
    expect(r.model.calls.filter((c) => isRewrite(c.messages))).toHaveLength(0);
  });

  it('keeps no turns at all without a model', async () => {
    const r = rig(false);
    await r.send('đăng ký định danh mức 2 ở đâu');
    await r.send('còn mức 1 thì sao?');
    expect(r.repo.get(r.key)?.qaTurns).toBeUndefined();
    expect(r.model.calls).toHaveLength(0);
  });
});
