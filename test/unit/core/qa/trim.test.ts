import { describe, expect, it } from 'vitest';
import { MAX_ANSWER_CHARS, plainText, trimPassage } from '../../../../src/core/qa/trim.js';
import { withoutPageTalk } from '../../../../src/core/qa/trim.js';
import { tokenize } from '../../../../src/core/text/normalize.js';

const filler = (i: number): string =>
  `Đoạn ${i}: người dân cần chuẩn bị điện thoại thông minh có kết nối mạng ổn định để làm việc.`;
const FEE = 'Lệ phí cấp đổi thẻ căn cước là 50.000 đồng, nộp trực tuyến được giảm một nửa.';
const PLACE = 'Hồ sơ nộp tại Trung tâm phục vụ hành chính công của xã vào giờ hành chính.';

function longPassage(at: Record<number, string>, count = 20): string {
  return Array.from({ length: count }, (_, i) => at[i] ?? filler(i + 1)).join('\n');
}

describe('plainText', () => {
  it('flattens bold, code and links, and turns list markers into bullets', () => {
    const md = '**Bước 1**: mở [VNeID](https://vneid.gov.vn) và chọn `Đăng nhập`.\n- mục một\n* mục hai\n> trích dẫn';
    expect(plainText(md)).toBe(
      'Bước 1: mở VNeID (https://vneid.gov.vn) và chọn Đăng nhập.\n• mục một\n• mục hai\ntrích dẫn',
    );
  });

  it('turns table rows into dash-separated lines without the separator row', () => {
    const out = plainText('| Giấy tờ | Lệ phí |\n|---|:---:|\n| Căn cước | 50.000 đồng |');
    expect(out).toContain('Giấy tờ – Lệ phí');
    expect(out).toContain('Căn cước – 50.000 đồng');
    expect(out).not.toContain('|');
    expect(out).not.toContain('---');
  });
});

describe('trimPassage', () => {
  it('returns a short passage whole, with Markdown flattened', () => {
    const text = '**Lệ phí**: xem tại [Cổng DVC](https://dichvucong.gov.vn).\n\nNộp trực tuyến được giảm phí.';
    expect(trimPassage(text, tokenize('lệ phí'))).toBe(
      'Lệ phí: xem tại Cổng DVC (https://dichvucong.gov.vn).\n\nNộp trực tuyến được giảm phí.',
    );
  });

  it('cuts a long passage to at most MAX_ANSWER_CHARS and keeps the sentence that answers', () => {
    const text = longPassage({ 14: FEE });
    expect(text.length).toBeGreaterThan(MAX_ANSWER_CHARS * 2);
    const out = trimPassage(text, tokenize('lệ phí cấp đổi căn cước'));
    expect(out.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
    expect(out).toContain(FEE);
    expect(out).not.toContain('Đoạn 1:');
    expect(out).not.toContain('Đoạn 20:');
  });

  it('prefers the window that covers more of the question', () => {
    // The fee alone sits near the start; fee and place together sit near the end.
    const text = longPassage({ 1: FEE, 16: FEE.replace('50.000', '70.000'), 17: PLACE });
    const out = trimPassage(text, tokenize('lệ phí nộp hồ sơ ở trung tâm hành chính công'));
    expect(out.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
    expect(out).toContain(PLACE);
    expect(out).toContain('70.000');
  });

  it('splits a long paragraph into sentences and keeps the relevant ones', () => {
    const paragraph = [...Array.from({ length: 9 }, (_, i) => filler(i + 1)), FEE, filler(11)].join(' ');
    const out = trimPassage(paragraph, tokenize('lệ phí căn cước'));
    expect(out.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
    expect(out).toContain(FEE);
  });

  it('cuts one unbreakable line on a word boundary with an ellipsis', () => {
    const line = Array.from({ length: 200 }, (_, i) => `từ${i}`).join(' ');
    const out = trimPassage(line, tokenize('từ5'));
    expect(out.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
    expect(out.endsWith('…')).toBe(true);
    expect(line.startsWith(out.slice(0, -1))).toBe(true);
    expect(out.slice(0, -1)).toMatch(/từ\d+$/);
  });

  it('honours a custom maximum', () => {
    const out = trimPassage(longPassage({ 5: FEE }), tokenize('lệ phí'), 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out).toContain(FEE);
  });
});

describe('withoutPageTalk', () => {
  it('drops sentences about the page itself and keeps the rest', () => {
    expect(
      withoutPageTalk('Phong trào gắn với chương trình khác. Trang này giới thiệu từng chương trình.\nDòng hai.'),
    ).toBe('Phong trào gắn với chương trình khác. \nDòng hai.'.replace(' \n', '\n'));
    expect(withoutPageTalk('Trang này trả lời: ngày 10/10 là ngày gì.')).toBe('');
  });
});
