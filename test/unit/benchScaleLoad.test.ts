import { describe, expect, it } from 'vitest';
import { Inbox, stepOf, zaloSeen } from '../../bench/lib/scaleLoad.js';

describe('bench:scale residents', () => {
  it('reads the step of a question and of a quiz result', () => {
    expect(stepOf('✅ Chính xác!\n\nVNeID cơ bản – Câu 3/5: Mức 2 là gì?')).toBe(3);
    expect(stepOf('Bà con trả lời đúng 5/5 câu (100%).\n🎉 Chúc mừng, bà con đã đạt bài "VNeID cơ bản"!')).toBe(6);
    expect(stepOf('Xin chào bà con!')).toBeUndefined();
  });

  it('turns a Zalo numbered list into choices to type, only under the hint', () => {
    const seen = zaloSeen('Câu 1/5: Chọn một\n1. Đúng\n2. Sai\n👉 Bà con gõ số 1 hoặc 2 để chọn.');
    expect(seen.buttons).toEqual([
      { label: 'Đúng', data: '1' },
      { label: 'Sai', data: '2' },
    ]);
    expect(zaloSeen('Các bước:\n1. Mở ứng dụng\n2. Đăng nhập').buttons).toEqual([]);
  });

  it('hands a resident what arrived up to the message that ends its turn', async () => {
    const inbox = new Inbox();
    const waiting = inbox.until('a', (s) => s.buttons.length > 0, 1000);
    inbox.push('a', { text: 'một', buttons: [] });
    inbox.push('b', { text: 'của người khác', buttons: [{ label: 'x', data: 'x' }] });
    inbox.push('a', { text: 'hai', buttons: [{ label: 'y', data: 'y' }] });
    expect((await waiting)?.map((s) => s.text)).toEqual(['một', 'hai']);
    expect(await inbox.until('a', () => true, 10)).toBeUndefined();
  });
});
