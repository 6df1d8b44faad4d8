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
import { LearningRig, ZALO } from '../../../fixtures/learning.js';

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
      [{ kind: 'notice', text: 'Bà con đồng ý chứ?', buttons: options.map((label, i) => ({ label, value: `v${i}` })) }],
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
        { kind: 'notice', text: 'Trả lời câu hỏi.', buttons: [{ label: 'Câu liên quan', value: 'faq:1' }] },
        { kind: 'notice', text: 'Bà con đang làm dở bài.', buttons: [{ label: 'Tiếp tục', value: 'quiz:resume' }] },
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
        { kind: 'notice', text: answer },
        { kind: 'notice', text: answer },
        { kind: 'notice', text: 'Bà con đang làm dở bài.', buttons: [{ label: 'Tiếp tục', value: 'x' }] },
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
    const messages = renderReplies(
      [{ kind: 'notice', text: long, buttons: [{ label: 'Quay lại', value: 'menu:main' }] }],
      opts,
    );
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(2000);
    expect(messages.at(-1)?.text).toMatch(/\n\n1\. Quay lại\n👉 Bà con gõ số 1 để chọn\.$/);
  });

  it('prepares a button template with the number as payload when switched on', () => {
    const [m] = renderReplies(
      [{ kind: 'notice', text: 'Chọn đáp án:', buttons: options.map((label, i) => ({ label, value: `v${i}` })) }],
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
    const [m] = renderReplies([{ kind: 'notice', text: 'Menu', buttons: six }], { ...opts, buttonTemplates: true });
    expect(m?.template).toBeUndefined();
    expect(m?.text).toContain('👉 Bà con gõ số từ 1 đến 6 để chọn.');
  });
});

describe('renderReplies on a text-only channel', () => {
  it('says "gõ số" where the engine says "bấm", for the choices it lists', () => {
    const [m] = renderReplies(
      [
        {
          kind: 'notice',
          text: 'Bà con đang làm dở bài "VNeID". Khi sẵn sàng, bấm "Tiếp tục bài đang làm" để làm tiếp.',
          buttons: [
            { label: 'Tiếp tục bài đang làm', value: 'quiz:resume' },
            { label: 'Dừng bài đang làm', value: 'quiz:quit' },
          ],
        },
      ],
      opts,
    );
    expect(m?.text).toContain('Khi sẵn sàng, gõ số 1 ("Tiếp tục bài đang làm") để làm tiếp.');
    expect(m?.text).not.toContain('bấm');
  });

  it('writes an answer’s own numbered steps "(1)" and heads the choices, so only one list starts at 1', () => {
    const answer = 'Cách lấy lại mật khẩu:\n1. Mở ứng dụng VNeID.\n2. Chọn "Quên mật khẩu".\n3. Làm theo hướng dẫn.';
    const [m] = renderReplies(
      [
        {
          kind: 'notice',
          text: answer,
          buttons: [
            { label: 'Hỏi về VNeID', value: 'menu:vneid' },
            { label: 'Bình dân học vụ số', value: 'menu:bdhvs' },
          ],
        },
      ],
      opts,
    );
    expect(m?.text).toBe(
      'Cách lấy lại mật khẩu:\n(1) Mở ứng dụng VNeID.\n(2) Chọn "Quên mật khẩu".\n(3) Làm theo hướng dẫn.\n\n' +
        'Gõ số để chọn:\n1. Hỏi về VNeID\n2. Bình dân học vụ số\n👉 Bà con gõ số 1 hoặc 2 để chọn.',
    );
    expect(m?.text.match(/^1\. /gmu)).toHaveLength(1);
  });

  it('keeps an answer’s numbers when no list follows it', () => {
    const answer = 'Các bước:\n1. Mở ứng dụng.\n2. Đăng nhập.';
    expect(renderReplies([{ kind: 'notice', text: answer }], opts).map((m) => m.text)).toEqual([answer]);
  });
});

describe('what a resident reads on Zalo', () => {
  /** Every message the resident received in a short session through the real engine, as Zalo renders it. */
  async function session(): Promise<string[]> {
    const r = new LearningRig();
    const seen: string[] = [];
    const say = async (text: string): Promise<void> => {
      for (const m of renderReplies(await r.send(text, ZALO), opts)) seen.push(m.text);
    };
    await say('kết quả của tôi'); // nothing yet: 'Bấm "Làm bài kiểm tra"'
    await say('làm bài kiểm tra');
    await say('1'); // a quiz: the consent notice
    await say('1'); // agree
    await say('123'); // a bad name: 'hoặc bấm "Bỏ qua câu này"'
    await say('Bác Tư');
    await say('1');
    await say('1');
    await say('abc'); // a bad birth year
    await say('1975');
    await say('9'); // past the options: 'hoặc bấm nút bên dưới'
    await say('quên mật khẩu vneid'); // a question mid-quiz, then the resume hint
    return seen;
  }

  it('never says "bấm" (press), since nothing can be pressed', async () => {
    const seen = await session();
    expect(seen.length).toBeGreaterThan(8);
    for (const text of seen) expect(text).not.toMatch(/bấm/iu);
    expect(seen.join('\n')).toContain('gõ số 1 ("Bỏ qua câu này")');
  });
});
