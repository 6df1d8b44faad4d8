import { describe, expect, it } from 'vitest';
import { redactSensitive, secretKinds, type SensitiveKind } from '../../../../src/core/text/sensitive.js';

/** Redacts `input` and checks that `secret` is gone from the result. */
function redactedWithout(input: string, secret: string): { text: string; kinds: SensitiveKind[] } {
  const r = redactSensitive(input);
  expect(r.text).not.toContain(secret);
  return { text: r.text, kinds: [...r.kinds] };
}

describe('redactSensitive: passwords', () => {
  it.each([
    ['mật khẩu là Abc12345', 'Abc12345'],
    ['mat khau la xyz987', 'xyz987'],
    ['MẬT KHẨU LÀ Secret99', 'Secret99'],
    ['mật khẩu vneid là Hn@2024xyz', 'Hn@2024xyz'],
    ['mật khẩu mới là abcdef', 'abcdef'],
    ['mat khau cua toi la qwerty12', 'qwerty12'],
    ['mk: hoa123', 'hoa123'],
    ['mk=hoa123', 'hoa123'],
    ['mk 12345678', '12345678'],
    ['pass abc123', 'abc123'],
    ['pass là abcdef', 'abcdef'],
    ['password: hunter22', 'hunter22'],
  ])('hides the password in %j', (input, secret) => {
    const r = redactedWithout(input, secret);
    expect(r.kinds).toEqual(['password']);
    expect(r.text).toContain('[đã ẩn]');
  });

  it.each([
    ['passcode 123456', '123456'],
    ['passcode: 246810', '246810'],
    ['passcode của tôi là 654321', '654321'],
  ])('hides the passcode in %j', (input, secret) => {
    expect(redactedWithout(input, secret).kinds).toEqual(['password']);
  });

  it('keeps the rest of the sentence so the question can still be answered', () => {
    const r = redactSensitive('mật khẩu là Abc12345, sao không đăng nhập được');
    expect(r.text).toBe('mật khẩu là [đã ẩn], sao không đăng nhập được');
  });
});

describe('redactSensitive: OTP', () => {
  it.each([
    ['mã OTP là 123456', '123456'],
    ['otp 4567', '4567'],
    ['OTP: 482913', '482913'],
    ['otp 123 456', '123 456'],
    ['ma xac thuc: 112233', '112233'],
    ['mã xác nhận là 908172', '908172'],
    ['mã kích hoạt 123456', '123456'],
  ])('hides the code in %j', (input, secret) => {
    const r = redactedWithout(input, secret);
    expect(r.kinds).toEqual(['otp']);
  });
});

describe('redactSensitive: personal numbers', () => {
  it.each([
    ['số cccd 001203004567', '001203004567'],
    ['cccd 001 203 004 567', '001 203 004 567'],
    ['cmnd 123456789', '123456789'],
    ['cmnd 123 456 789', '123 456 789'],
  ])('hides the ID number in %j', (input, secret) => {
    const r = redactedWithout(input, secret);
    expect(r.kinds).toEqual(['id-number']);
    expect(r.text).toContain('[số đã ẩn]');
  });

  it.each([
    ['sdt 0912345678', '0912345678'],
    ['gọi 0912 345 678 giúp tôi', '0912 345 678'],
    ['số 0912.345.678', '0912.345.678'],
    ['máy bàn 02383123456', '02383123456'],
  ])('hides the phone number in %j and classifies it as a phone', (input, secret) => {
    const r = redactedWithout(input, secret);
    expect(r.kinds).toEqual(['phone']);
    expect(r.text).toContain('[số điện thoại đã ẩn]');
  });

  it('finds several kinds in one message', () => {
    const r = redactSensitive('sdt 0912345678, cccd 001203004567, mã OTP là 123456');
    expect(new Set(r.kinds)).toEqual(new Set<SensitiveKind>(['phone', 'id-number', 'otp']));
    expect(r.text).not.toMatch(/\d{4,}/);
  });
});

describe('redactSensitive: questions about secrets are not secrets', () => {
  it.each([
    'mật khẩu mạnh là gì',
    'quên mật khẩu vneid thì làm sao',
    'mật khẩu là gì',
    'mk la j',
    'mật khẩu có bao nhiêu ký tự',
    'passcode là mấy số',
    'mã otp là gì',
    'nhập mã xác thực thế nào',
    'đăng ký định danh mức 2',
    'năm 2025 kế hoạch của xã',
    'đạt 80% năm 2026',
    'tỷ lệ 40% và trên 60%',
    'phí 50.000 đồng',
    'ngày 01/12/2026',
  ])('leaves %j unchanged', (input) => {
    const r = redactSensitive(input);
    expect(r.text).toBe(input);
    expect(r.kinds.size).toBe(0);
  });
});

describe('secretKinds', () => {
  it('drops phone numbers, which are personal but not secret', () => {
    expect(secretKinds(new Set<SensitiveKind>(['phone']))).toEqual([]);
    expect(secretKinds(new Set<SensitiveKind>(['phone', 'otp', 'password']))).toEqual(['otp', 'password']);
    expect(secretKinds(redactSensitive('cccd 001203004567').kinds)).toEqual(['id-number']);
  });
});

describe('redactSensitive: wordings found in review', () => {
  it.each([
    ['Mật khẩu là: Abc12345', 'Abc12345', 'password'],
    ['mk là: abc123', 'abc123', 'password'],
    ['mật khẩu VNeID của tôi là Abc@12345', 'Abc@12345', 'password'],
    ['mật khẩu tôi đặt là Hoa@1990', 'Hoa@1990', 'password'],
    ['mã otp của tôi là 123456', '123456', 'otp'],
    ['otp vừa nhận là 123456', '123456', 'otp'],
    ['mã OTP gửi về là 482913', '482913', 'otp'],
  ])('hides the value in %j', (input, secret, kind) => {
    expect(redactedWithout(input, secret).kinds).toContain(kind);
  });

  it('classifies an international phone number as a phone number', () => {
    expect(redactedWithout('+84 912 345 678', '912 345 678').kinds).toEqual(['phone']);
  });

  it('does not take a list of years for an ID number', () => {
    expect(redactSensitive('năm 2025 2026 2027').kinds.size).toBe(0);
  });
});
