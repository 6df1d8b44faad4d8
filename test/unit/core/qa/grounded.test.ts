import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatModel, DocumentHit } from '../../../../src/core/ports.js';
import { buildContext, groundedWording, UNSURE_MARKER } from '../../../../src/core/qa/grounded.js';

const PROMPTS = { system: 'Chỉ dùng tài liệu.', answer: 'TÀI LIỆU:\n{{context}}\nHỎI: {{question}}' };

const DOC: DocumentHit = {
  ref: 'vneid/muc-dinh-danh.md',
  title: 'Tài khoản định danh điện tử mức 1 và mức 2',
  url: 'https://vneid.gov.vn',
  score: 0.9,
  best: {
    docRef: 'vneid/muc-dinh-danh.md',
    heading: 'Mức 2 đăng ký ở đâu?',
    text: 'Bà con mang thẻ căn cước gắn chip đến công an xã nơi mình ở. Đường dây 1900 0368 của Bộ Công an.',
    score: 0.9,
    coverage: 0.9,
  },
};

/** A chat model that returns a fixed reply and records what it was asked. */
class ScriptedModel implements ChatModel {
  readonly calls: (readonly ChatMessage[])[] = [];
  constructor(private readonly reply: string | Error) {}
  complete(messages: readonly ChatMessage[]): Promise<string> {
    this.calls.push(messages);
    return this.reply instanceof Error ? Promise.reject(this.reply) : Promise.resolve(this.reply);
  }
}

describe('groundedWording', () => {
  it('sends the system prompt and the filled answer template with the passages and the question', async () => {
    const model = new ScriptedModel('Bà con đến công an xã để đăng ký mức 2.');
    await groundedWording('mức 2 làm ở đâu', [DOC], model, PROMPTS);
    const [system, user] = model.calls[0] ?? [];
    expect(system).toEqual({ role: 'system', content: PROMPTS.system });
    expect(user?.content).toContain('HỎI: mức 2 làm ở đâu');
    expect(user?.content).toContain(DOC.best.text);
    expect(user?.content).toContain(DOC.title);
    expect(user?.content).not.toContain('{{');
  });

  it('returns the model wording when it only uses facts from the passages', async () => {
    const reply = 'Bà con đến công an xã. Có thể gọi 1900 0368 của Bộ Công an, xem thêm vneid.gov.vn.';
    expect(await groundedWording('mức 2', [DOC], new ScriptedModel(reply), PROMPTS)).toBe(reply);
  });

  it.each([
    ['the refusal marker', `${UNSURE_MARKER}`],
    ['an empty reply', '   '],
    ['an invented phone number', 'Bà con gọi 0912 345 678 để được hỗ trợ.'],
    ['an invented web address', 'Bà con vào dangky-vneid.com để làm mức 2.'],
    ['a reply that is far too long', 'Dài. '.repeat(400)],
  ])('falls back (undefined) on %s', async (_name, reply) => {
    expect(await groundedWording('mức 2', [DOC], new ScriptedModel(reply), PROMPTS)).toBeUndefined();
  });

  it('falls back when the model fails', async () => {
    expect(await groundedWording('mức 2', [DOC], new ScriptedModel(new Error('timeout')), PROMPTS)).toBeUndefined();
  });

  it('numbers at most three documents in the context', () => {
    const docs = [DOC, { ...DOC, ref: 'b' }, { ...DOC, ref: 'c' }, { ...DOC, ref: 'd' }];
    const context = buildContext(docs);
    expect(context).toContain('[3]');
    expect(context).not.toContain('[4]');
  });
});
