/**
 * Text-only wording: every engine text that says "bấm" reads "gõ số" once a
 * text-only channel lists the choices, and an answer's own numbered steps
 * stop looking like the list of choices under them.
 */
import { describe, expect, it } from 'vitest';
import * as C from '../../../../src/core/conversation/texts.js';
import {
  CHOICES_HEADING,
  forTextOnly,
  hasNumberedLines,
  unnumberLines,
} from '../../../../src/core/conversation/textOnly.js';
import * as QA from '../../../../src/core/qa/texts.js';
import * as G from '../../../../src/core/quiz/groupTexts.js';
import * as Q from '../../../../src/core/quiz/texts.js';
import * as R from '../../../../src/core/registry/texts.js';

const MODULES = { C, QA, G, Q, R } as const;

/** Every button label the engine's texts define: what a text-only channel may list. */
const LABELS = Object.values(MODULES).flatMap((m) =>
  Object.entries(m)
    .filter(([name, value]) => name.startsWith('BTN_') && typeof value === 'string')
    .map(([, value]) => value as string),
);

describe('forTextOnly', () => {
  it('turns a press on a listed label into "gõ số N", keeping the label', () => {
    expect(forTextOnly(Q.RESULTS_EMPTY, [Q.BTN_TAKE_QUIZ])).toBe(
      'Bà con chưa làm bài kiểm tra nào. Gõ số 1 ("Làm bài kiểm tra") để bắt đầu nhé.',
    );
    expect(forTextOnly(Q.resumeHint('VNeID cơ bản'), [Q.BTN_RESUME, Q.BTN_QUIT])).toBe(
      'Bà con đang làm dở bài "VNeID cơ bản". Khi sẵn sàng, gõ số 1 ("Tiếp tục bài đang làm") để làm tiếp.',
    );
    expect(forTextOnly(R.BAD_BIRTH_YEAR, [R.BTN_SKIP])).toBe(
      'Năm sinh chưa đúng. Bà con gõ 4 chữ số, ví dụ 1975, hoặc gõ số 1 ("Bỏ qua câu này").',
    );
  });

  it('drops "hoặc bấm nút bên dưới" where the sentence already says what to type', () => {
    expect(forTextOnly(C.numberOutOfRange(1), ['Bỏ qua'])).toBe('Chỉ có một lựa chọn: bà con gõ 1.');
    expect(forTextOnly(C.numberOutOfRange(4), [])).toBe('Bà con gõ một số từ 1 đến 4.');
    expect(forTextOnly(G.NEXT_PROMPT, [G.BTN_NEXT])).toBe(
      'Khi mọi người đã trả lời xong, một người gõ số ở danh sách dưới đây để xem đáp án:',
    );
  });

  it('leaves a press on something that is not a listed choice (a step inside an app) as written', () => {
    const step = 'Mở thủ tục, đọc phần hướng dẫn, rồi bấm "Nộp trực tuyến". Vào trang, bấm nút đăng nhập.';
    expect(forTextOnly(step, ['Hỏi về VNeID'])).toBe(step);
  });

  it('leaves no "bấm" in any text of the engine, given the buttons it is shown with', () => {
    const samples = Object.values(MODULES).flatMap((m) =>
      Object.values(m).filter((v): v is string => typeof v === 'string'),
    );
    samples.push(Q.resumeHint('Bài'), C.numberOutOfRange(1), C.numberOutOfRange(3));
    const pressing = samples.filter((s) => /bấm/iu.test(s) && !LABELS.includes(s));
    expect(pressing.length).toBeGreaterThan(4);
    for (const text of pressing) expect(forTextOnly(text, LABELS), text).not.toMatch(/bấm/iu);
  });
});

describe('numbered lines', () => {
  it('finds lines numbered like a list, and writes them "(N)"', () => {
    const steps = 'Cách làm:\n1. Mở ứng dụng VNeID.\n2) Chọn "Quên mật khẩu".\n10. Xong.';
    expect(hasNumberedLines(steps)).toBe(true);
    expect(unnumberLines(steps)).toBe('Cách làm:\n(1) Mở ứng dụng VNeID.\n(2) Chọn "Quên mật khẩu".\n(10) Xong.');
    expect(hasNumberedLines('Năm 2025 đạt 80%. Gọi 1900 0368.')).toBe(false);
    expect(CHOICES_HEADING).toBe('Gõ số để chọn:');
  });
});
