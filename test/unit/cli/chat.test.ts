/**
 * `cli chat` shows a turn the way a text-only channel does: the last reply's
 * buttons as the one numbered list (the only ones a typed number picks),
 * "gõ số" instead of "bấm", and an answer's own numbered steps kept apart.
 */
import { describe, expect, it } from 'vitest';
import { renderForTerminal } from '../../../src/cli/chat.js';

describe('renderForTerminal', () => {
  it('lists only the last reply’s buttons, and says "gõ số" for them', () => {
    const text = renderForTerminal([
      { kind: 'notice', text: 'Câu trả lời.', buttons: [{ label: 'Câu liên quan', value: 'faq:x' }] },
      {
        kind: 'notice',
        text: 'Bà con đang làm dở bài "VNeID". Khi sẵn sàng, bấm "Tiếp tục bài đang làm" để làm tiếp.',
        buttons: [
          { label: 'Tiếp tục bài đang làm', value: 'quiz:resume' },
          { label: 'Dừng bài đang làm', value: 'quiz:quit' },
        ],
      },
    ]);
    expect(text).toBe(
      'Câu trả lời.\n\nBà con đang làm dở bài "VNeID". Khi sẵn sàng, gõ số 1 ("Tiếp tục bài đang làm") để làm tiếp.\n' +
        '  1. Tiếp tục bài đang làm\n  2. Dừng bài đang làm',
    );
  });

  it('never shows two lists starting at 1', () => {
    const text = renderForTerminal([
      {
        kind: 'notice',
        text: 'Các bước:\n1. Mở ứng dụng.\n2. Đăng nhập.',
        buttons: [{ label: 'Hỏi về VNeID', value: 'menu:vneid' }],
      },
    ]);
    expect(text).toBe('Các bước:\n(1) Mở ứng dụng.\n(2) Đăng nhập.\n  Gõ số để chọn:\n  1. Hỏi về VNeID');
  });
});
