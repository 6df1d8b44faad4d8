/**
 * One turn's replies go out as one message (split only at the length limit,
 * preferably between replies); buttons become a short numbered list with a
 * natural hint, from the last reply only (the only buttons the engine matches
 * a typed number against); button templates only when switched on, with the
 * text kept as the fallback.
 */
import { describe, expect, it } from 'vitest';
import { numberedList, renderReplies } from '../../../../src/channels/zalo/render.js';
import { choiceHint } from '../../../../src/channels/zalo/texts.js';

const opts = { limit: 2000, buttonTemplates: false };
const options = ['Đồng ý', 'Bỏ qua', 'Để sau', 'Hỏi cán bộ'];

describe('choiceHint', () => {
  it('reads naturally for one, two, four and many options', () => {
    expect(choiceHint(1)).toBe('👉 Bà con gõ số 1 để chọn.');
    expect(choiceHint(2)).toBe('👉 Bà con gõ số 1 hoặc 2 để chọn.');
    expect(choiceHint(4)).toBe('👉 Bà con gõ số 1, 2, 3 hoặc 4 để chọn.');
    expect(choiceHint(6)).toBe('👉 Bà con gõ số từ 1 đến 6 để chọn.');
  });
});

describe('renderReplies', () => {
  it('numbers the buttons of the last reply under its text', () => {
    const [m] = renderReplies(
      [{ text: 'Bà con đồng ý chứ?', buttons: options.map((label, i) => ({ label, value: `v${i}` })) }],
      opts,
    );
    expect(m?.text).toBe(`Bà con đồng ý chứ?\n\n${numberedList(options)}`);
    expect(m?.text).toContain(
      '1. Đồng ý\n2. Bỏ qua\n3. Để sau\n4. Hỏi cán bộ\n👉 Bà con gõ số 1, 2, 3 hoặc 4 để chọn.',
    );
    expect(m?.template).toBeUndefined();
  });

  it('sends one turn as one message, numbering only the last reply’s buttons', () => {
    const messages = renderReplies(
      [
        { text: 'Trả lời câu hỏi.', buttons: [{ label: 'Câu liên quan', value: 'faq:1' }] },
        { text: 'Bà con đang làm dở bài.', buttons: [{ label: 'Tiếp tục', value: 'quiz:resume' }] },
      ],
      opts,
    );
    expect(messages.map((m) => m.text)).toEqual([
      'Trả lời câu hỏi.\n\nBà con đang làm dở bài.\n\n1. Tiếp tục\n👉 Bà con gõ số 1 để chọn.',
    ]);
  });

  it('splits a long turn between its replies first', () => {
    const answer = Array.from({ length: 30 }, (_, i) => `Câu ${i} hướng dẫn bà con từng bước cụ thể.`).join(' ');
    const messages = renderReplies(
      [
        { text: answer },
        { text: answer },
        { text: 'Bà con đang làm dở bài.', buttons: [{ label: 'Tiếp tục', value: 'x' }] },
      ],
      opts,
    );
    expect(messages.map((m) => m.text)).toEqual([
      answer,
      `${answer}\n\nBà con đang làm dở bài.\n\n1. Tiếp tục\n👉 Bà con gõ số 1 để chọn.`,
    ]);
  });

  it('splits a long reply and keeps the list whole in the last part', () => {
    const long = Array.from({ length: 60 }, (_, i) => `Câu ${i} hướng dẫn bà con từng bước.`).join(' ');
    const messages = renderReplies([{ text: long, buttons: [{ label: 'Quay lại', value: 'menu:main' }] }], opts);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(2000);
    expect(messages.at(-1)?.text).toMatch(/\n\n1\. Quay lại\n👉 Bà con gõ số 1 để chọn\.$/);
  });

  it('prepares a button template with the number as payload when switched on', () => {
    const [m] = renderReplies(
      [{ text: 'Chọn đáp án:', buttons: options.map((label, i) => ({ label, value: `v${i}` })) }],
      {
        ...opts,
        buttonTemplates: true,
      },
    );
    expect(m?.template).toEqual({
      text: 'Chọn đáp án:',
      buttons: options.map((l, i) => ({ title: `${i + 1}. ${l}`, payload: String(i + 1) })),
    });
    expect(m?.text).toContain('1. Đồng ý');
  });

  it('keeps more than four options as numbered text even with templates on', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((label) => ({ label, value: label }));
    const [m] = renderReplies([{ text: 'Menu', buttons: six }], { ...opts, buttonTemplates: true });
    expect(m?.template).toBeUndefined();
    expect(m?.text).toContain('👉 Bà con gõ số từ 1 đến 6 để chọn.');
  });
});
