/**
 * What a staff reply needs a second confirmation for (issue 18 item 6): a
 * request for an OTP or a password (with or without marks), or a link whose
 * host is outside the allow-list (gov.vn and its subdomains, tinnhiemmang.vn).
 */
import { describe, expect, it } from 'vitest';
import { isAllowedHost, outsideLinks, replyChecks } from '../../../../src/core/handoff/replyCheck.js';

describe('staff reply checks', () => {
  it.each([
    ['Bà con đọc giúp tôi mã OTP vừa nhận nhé', ['otp']],
    ['Bà con gửi ma otp cho cán bộ', ['otp']],
    ['Cho tôi xin mã xác thực', ['otp']],
    ['Bà con nhắn mật khẩu VNeID để tôi kiểm tra', ['password']],
    ['gui mat khau cho toi', ['password']],
    ['Bà con vào https://vneid-xacminh.com để cập nhật', ['link']],
    ['Đọc mã OTP và mật khẩu rồi vào www.example.net', ['otp', 'password', 'link']],
  ])('"%s" needs confirmation for %j', (text, checks) => {
    expect(replyChecks(text)).toEqual(checks);
  });

  it.each([
    'Bà con mang căn cước ra bộ phận một cửa của xã vào sáng thứ Hai nhé.',
    'Bà con làm theo hướng dẫn ở https://dichvucong.gov.vn/p/home/dvc-trang-chu.html',
    'Tra cứu trang lừa đảo tại tinnhiemmang.vn hoặc https://vneid.gov.vn',
    'Không ai được hỏi bà con mã OTP đâu ạ, bà con đừng đưa cho ai.',
    'Bà con vào dichvucong.gov.vn, chọn Liên thông khai sinh.',
    'Xem thêm ở https://vneid.gov.vn/.',
  ])('"%s" goes without a link check', (text) => {
    expect(replyChecks(text)).not.toContain('link');
  });

  it('warns on OTP even when the reply tells residents never to share it: staff confirm once', () => {
    expect(replyChecks('Không ai được hỏi bà con mã OTP đâu ạ')).toEqual(['otp']);
  });

  it('allows gov.vn and its subdomains only, not look-alikes', () => {
    expect(isAllowedHost('gov.vn')).toBe(true);
    expect(isAllowedHost('dichvucong.gov.vn')).toBe(true);
    expect(isAllowedHost('tinnhiemmang.vn')).toBe(true);
    expect(isAllowedHost('evilgov.vn')).toBe(false);
    expect(isAllowedHost('gov.vn.evil.com')).toBe(false);
    expect(outsideLinks('https://dichvucong.gov.vn.lua-dao.com/login')).toHaveLength(1);
    expect(outsideLinks('https://user@dichvucong.gov.vn:443/x')).toEqual([]);
  });
});
