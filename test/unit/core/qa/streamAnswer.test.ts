/**
 * The model's answer streamed sentence by sentence with nothing unchecked on
 * screen: a sentence is released only when it has ended and the text so far
 * passes the grounding checks; the first one that fails stops the model and
 * withdraws what was shown, and the whole reply is still checked as an
 * unstreamed one.
 */
import { describe, expect, it } from 'vitest';
import type { DraftSink } from '../../../../src/core/messages.js';
import { AnswerCache } from '../../../../src/core/qa/answerCache.js';
import type { AnswerWriter, ModelEvent } from '../../../../src/core/qa/answerer.js';
import { ModelBudget } from '../../../../src/core/qa/modelBudget.js';
import { modelAnswer } from '../../../../src/core/qa/modelAnswer.js';
import type { GivenPassage } from '../../../../src/core/qa/modelContext.js';
import { SentenceGate } from '../../../../src/core/qa/sentenceGate.js';
import { StreamingChatModel } from '../../../fakes/streamingChatModel.js';
import { TEST_PROMPTS } from '../../../fakes/chatModel.js';
import { fixedClock } from '../../../helpers.js';

const GIVEN: GivenPassage[] = [
  {
    n: 1,
    id: 'p:1',
    ref: 'vneid/muc-2.md',
    title: 'Định danh mức 2',
    url: 'https://vneid.gov.vn',
    heading: '',
    text: 'Bà con mang thẻ căn cước đến công an xã để đăng ký mức 2. Đường dây nóng 1900 0368.',
    approved: false,
    score: 0.6,
  },
];

function recorder(): DraftSink & { events: string[] } {
  const events: string[] = [];
  return { events, delta: (t) => events.push(`delta:${t}`), replace: () => events.push('replace') };
}

function writerOf(model: StreamingChatModel, extra: Partial<AnswerWriter> = {}) {
  const events: ModelEvent[] = [];
  const writer: AnswerWriter = { model, prompts: TEST_PROMPTS, onEvent: (e) => events.push(e), ...extra };
  return { writer, events };
}

describe('SentenceGate', () => {
  it('releases a sentence only once it has ended, never inside a number or an address', () => {
    const gate = new SentenceGate();
    expect(gate.push('Lệ phí 50.')).toEqual([]);
    expect(gate.push('000 đồng, xem dichvucong.gov.vn')).toEqual([]);
    expect(gate.push(' nhé. Gọi')).toEqual(['Lệ phí 50.000 đồng, xem dichvucong.gov.vn nhé. ']);
    expect(gate.push(' 1900 0368?\n- Mục một\n- Mục')).toEqual(['Gọi 1900 0368?\n', '- Mục một\n']);
    expect(gate.flush()).toBe('- Mục');
    expect(gate.flush()).toBe('');
  });
});

describe('streaming the model answer', () => {
  it('shows each checked sentence as it ends, citations removed, and answers with the whole reply', async () => {
    const model = new StreamingChatModel(['Bà con mang thẻ căn cước [1', ']. Đến công an', ' xã để đăng ký [1].']);
    const { writer } = writerOf(model);
    const draft = recorder();
    const out = await modelAnswer('mức 2 làm ở đâu', GIVEN, writer, undefined, draft);
    expect(draft.events).toEqual(['delta:Bà con mang thẻ căn cước.', 'delta: Đến công an xã để đăng ký.']);
    expect(out).toMatchObject({ kind: 'answer', text: 'Bà con mang thẻ căn cước. Đến công an xã để đăng ký.' });
    expect(
      draft.events
        .filter((e) => e.startsWith('delta:'))
        .map((e) => e.slice(6))
        .join(''),
    ).toBe(out.kind === 'answer' ? out.text : '');
  });

  it('never shows a sentence with an invented phone number: the stream stops and what was shown is withdrawn', async () => {
    const model = new StreamingChatModel([
      'Bà con đến công an xã [1]. ',
      'Gọi số 0912 345 678',
      ' để hỏi thêm.\n',
      'Mang theo thẻ căn cước [1].',
    ]);
    const { writer, events } = writerOf(model);
    const draft = recorder();
    const out = await modelAnswer('mức 2 làm ở đâu', GIVEN, writer, undefined, draft);
    expect(draft.events).toEqual(['delta:Bà con đến công an xã.', 'replace']);
    expect(draft.events.join('')).not.toContain('0912');
    expect(out).toEqual({ kind: 'fallback', reason: 'invented' });
    expect(events).toEqual([{ type: 'fallback', reason: 'invented', detail: 'phone' }]);
    // The model was stopped at the failing sentence, not read to the end.
    expect(model.pulled).toBe(3);
    expect(model.closed).toBe(true);
  });

  it('stops at a citation of a passage it was not given', async () => {
    const model = new StreamingChatModel(['Đến công an xã [1].', ' Xem thêm [4].', ' Thế thôi [1].']);
    const draft = recorder();
    const out = await modelAnswer('mức 2', GIVEN, writerOf(model).writer, undefined, draft);
    expect(draft.events).toEqual(['delta:Đến công an xã.', 'replace']);
    expect(out).toEqual({ kind: 'fallback', reason: 'citation' });
  });

  it('withdraws checked sentences when the whole reply fails its check (no citation at all)', async () => {
    const model = new StreamingChatModel(['Bà con đến công an xã. ', 'Mang theo thẻ căn cước.']);
    const draft = recorder();
    const out = await modelAnswer('mức 2', GIVEN, writerOf(model).writer, undefined, draft);
    expect(draft.events).toEqual(['delta:Bà con đến công an xã.', 'delta: Mang theo thẻ căn cước.', 'replace']);
    expect(out).toEqual({ kind: 'fallback', reason: 'citation' });
  });

  it('shows nothing of a refusal, and withdraws what came before it', async () => {
    const first = recorder();
    expect(
      await modelAnswer('mức 2', GIVEN, writerOf(new StreamingChatModel(['KHONG_CHAC'])).writer, undefined, first),
    ).toEqual({
      kind: 'refused',
    });
    expect(first.events).toEqual([]);
    const second = recorder();
    const model = new StreamingChatModel(['Tài liệu chưa nói rõ. ', 'KHONG_CHAC']);
    expect(await modelAnswer('mức 2', GIVEN, writerOf(model).writer, undefined, second)).toEqual({ kind: 'refused' });
    expect(second.events).toEqual(['delta:Tài liệu chưa nói rõ.', 'replace']);
  });

  it('falls back when the stream breaks or the deadline passes, withdrawing what was shown', async () => {
    const broken = new StreamingChatModel(['Bà con đến công an xã [1]. Mang', new Error('socket hang up')]);
    const draft = recorder();
    expect(await modelAnswer('mức 2', GIVEN, writerOf(broken).writer, undefined, draft)).toEqual({
      kind: 'fallback',
      reason: 'error',
    });
    expect(draft.events).toEqual(['delta:Bà con đến công an xã.', 'replace']);

    const late = new StreamingChatModel(['Bà con đến công an xã [1].']);
    const gone = AbortSignal.abort();
    const silent = recorder();
    expect(await modelAnswer('mức 2', GIVEN, writerOf(late).writer, gone, silent)).toEqual({
      kind: 'fallback',
      reason: 'timeout',
    });
    expect(silent.events).toEqual([]);
    // The model got the deadline too, so its request ends with it.
    expect(late.calls[0]?.signal?.aborted).toBe(true);
  });

  it('takes from the same budget, and a cached reply is answered whole without streaming', async () => {
    const budget = new ModelBudget(1, fixedClock('2026-01-01T00:00:00Z'));
    const cache = new AnswerCache();
    const model = new StreamingChatModel(['Bà con đến công an xã [1].']);
    const { writer } = writerOf(model, { budget, cache });
    const first = recorder();
    expect((await modelAnswer('mức 2', GIVEN, writer, undefined, first)).kind).toBe('answer');
    expect(first.events).toEqual(['delta:Bà con đến công an xã.']);
    const again = recorder();
    expect((await modelAnswer('mức 2', GIVEN, writer, undefined, again)).kind).toBe('answer');
    expect(again.events).toEqual([]);
    expect(model.calls).toHaveLength(1);
    const other = recorder();
    expect(await modelAnswer('mức 2 ở đâu', GIVEN, writer, undefined, other)).toEqual({
      kind: 'fallback',
      reason: 'budget',
    });
    expect(other.events).toEqual([]);
  });
});
