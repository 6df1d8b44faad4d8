/**
 * The ways residents type secrets (issue 16, item 1), as one table: each row
 * is a message, the value that must not survive redaction and the kind found;
 * and questions *about* passwords and OTPs, which must pass through untouched
 * so they are still answered. Then properties over generated messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSensitive, secretKinds, type SensitiveKind } from '../../../../src/core/text/sensitive.js';

const SECRETS: readonly (readonly [message: string, secret: string, kind: SensitiveKind])[] = [
  // Found in review: several words before "là", a word before the value, the value first, English, a bank account.
  ['mật khẩu VNeID mới của tôi là Hoa123xyz sao không đăng nhập được', 'Hoa123xyz', 'password'],
  ['passcode vneid 246810 bị khóa rồi phải làm sao', '246810', 'password'],
  ['135790 là mã OTP ngân hàng gửi, có nên đưa cho người gọi điện không', '135790', 'otp'],
  ['my password is hunter2secret help me please', 'hunter2secret', 'password'],
  ['số tài khoản của tôi là 19031234567890 có bị lộ không', '19031234567890', 'bank-account'],
  // Several words between the keyword and "là", with and without marks.
  ['mat khau vneid moi cua toi la Hoa123xyz sao khong dang nhap duoc', 'Hoa123xyz', 'password'],
  ['Mật khẩu tài khoản định danh của bố tôi là Minh@1965', 'Minh@1965', 'password'],
  ['mật khẩu đăng nhập dịch vụ công của em là dvc2024abc', 'dvc2024abc', 'password'],
  ['mật khẩu zalo con gái đặt cho tôi là Lan@2010xx nhưng quên rồi', 'Lan@2010xx', 'password'],
  ['MẬT KHẨU CỦA TÔI LÀ QWERTY789 ĐÚNG KHÔNG', 'QWERTY789', 'password'],
  ['mật khẩu mới là abcdef', 'abcdef', 'password'],
  // Decomposed marks (NFD), as some keyboards send them.
  ['mật khẩu của tôi là Xuan2024'.normalize('NFD'), 'Xuan2024', 'password'],
  ['mật khẩu: Abc!2345', 'Abc!2345', 'password'],
  ['mật mã của tôi là 998877', '998877', 'password'],
  ['mk vneid cua toi la 12345678', '12345678', 'password'],
  ['mk: hoa123', 'hoa123', 'password'],
  ['pass fb là matkhau123', 'matkhau123', 'password'],
  ['pass là abcdef', 'abcdef', 'password'],
  // A value straight after the keyword, maybe one or two words in between.
  ['passcode 135246 có đúng không', '135246', 'password'],
  ['passcode vneid 246810', '246810', 'password'],
  ['pass code vneid của em 864213 bị sai', '864213', 'password'],
  ['mật khẩu vneid 246810 nhập mãi không được', '246810', 'password'],
  ['mật khẩu Hoa123xyz bị sai', 'Hoa123xyz', 'password'],
  ['mk 12345678', '12345678', 'password'],
  ['mat khau abc12345 co manh khong', 'abc12345', 'password'],
  ['mã pin thẻ atm là 1234', '1234', 'password'],
  ['mã PIN 9090 của thẻ', '9090', 'password'],
  ['pin code 4321 bị khóa', '4321', 'password'],
  ['pin: 5555', '5555', 'password'],
  // The value before the keyword.
  ['246810 là passcode vneid của tôi', '246810', 'password'],
  ['Hoa123xyz là mật khẩu của tôi', 'Hoa123xyz', 'password'],
  ['864213 chính là mã xác thực', '864213', 'otp'],
  ['482913 là otp hả', '482913', 'otp'],
  ['vừa nhận 556677 mã OTP', '556677', 'otp'],
  // OTPs, one-time codes.
  ['mã OTP ngân hàng gửi là 135790', '135790', 'otp'],
  ['otp vietcombank 987654 có cho người khác được không', '987654', 'otp'],
  ['ma otp cua toi 112233', '112233', 'otp'],
  ['mã xác thực vừa nhận được: 908172', '908172', 'otp'],
  ['ma xac nhan la 4455', '4455', 'otp'],
  ['mã kích hoạt vneid 123456', '123456', 'otp'],
  ['smart otp 224466 nhập ở đâu', '224466', 'otp'],
  ['otp123456', '123456', 'otp'],
  ['mã otp 123 456', '123 456', 'otp'],
  // English.
  ['My password is Hunter2Secret', 'Hunter2Secret', 'password'],
  ['the password is qwerty', 'qwerty', 'password'],
  ['my vneid password is abc12345', 'abc12345', 'password'],
  ['password: hunter22', 'hunter22', 'password'],
  ['my pin is 4321', '4321', 'password'],
  ['the otp is 778899', '778899', 'otp'],
  ['verification code 135531', '135531', 'otp'],
  ['my one-time code is 246642', '246642', 'otp'],
  // Bank accounts and cards.
  ['stk 0123456789012 ngân hàng agribank', '0123456789012', 'bank-account'],
  ['chuyển vào số tk 12345678 vietcombank', '12345678', 'bank-account'],
  ['tài khoản ngân hàng của tôi: 1903 1234 5678 90', '1903 1234 5678 90', 'bank-account'],
  ['account number 99887766554433', '99887766554433', 'bank-account'],
  ['chuyển tiền vào 19031234567890 có an toàn không', '19031234567890', 'bank-account'],
  ['số thẻ 4111 1111 1111 1111 hết hạn', '4111 1111 1111 1111', 'card'],
  ['thẻ atm 9704 1234 5678 9012', '9704 1234 5678 9012', 'card'],
  ['card 5555555555554444', '5555555555554444', 'card'],
  ['4111111111111111 có phải số thẻ không', '4111111111111111', 'card'],
  // ID numbers (already covered before; kept so the table covers every kind).
  ['số cccd của tôi 001203004567', '001203004567', 'id-number'],
  ['cmnd 123 456 789', '123 456 789', 'id-number'],
];

const QUESTIONS: readonly string[] = [
  'mật khẩu là gì',
  'quên mật khẩu phải làm sao',
  'quên mật khẩu vneid phải làm sao',
  'mật khẩu phải có bao nhiêu ký tự',
  'mật khẩu có 8-12 ký tự không',
  'mật khẩu mạnh là gì',
  'mat khau la gi',
  'mật khẩu là chuỗi ký tự bí mật phải không',
  'mật khẩu của tôi là gì vậy',
  'đổi mật khẩu là làm thế nào',
  'mật khẩu vneid gồm 6 số đúng không',
  'passcode là mấy số',
  'passcode vneid 6 số hay 8 số',
  'mã otp là gì',
  'mã OTP có 6 số',
  'không được đưa mã OTP cho ai',
  'nhập mã xác thực thế nào',
  'my password is wrong',
  'my password is not working',
  'what is a strong password',
  'mk là sinh viên năm 2',
  'pin điện thoại 5000mAh có tốt không',
  'thay pin 2 lần rồi',
  'năm 2025 mật khẩu bị lộ thì sao',
  'tài khoản vneid bị khóa 3 lần',
  'số tài khoản ngân hàng để ở đâu',
  'thẻ căn cước làm mất 2 tuần',
  'đăng ký định danh mức 2',
  'phí 50.000 đồng',
  'Quà Tết 2026 400.000 đồng theo Nghị quyết 418 dành cho ai?',
  'lương 12.500.000 đ một tháng',
  'gọi 113 114 115 có mất tiền không',
  'ngày 01/12/2026',
];

describe('redactSensitive: every common way of typing a secret', () => {
  it('has at least 60 phrasings in all', () => {
    expect(SECRETS.length + QUESTIONS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(SECRETS)('hides the value of %j', (message, secret, kind) => {
    const r = redactSensitive(message);
    expect(r.text).not.toContain(secret);
    expect(r.text.replace(/\s/g, '')).not.toContain(secret.replace(/\s/g, ''));
    expect([...r.kinds]).toContain(kind);
    // Every one of these gets the resident a warning.
    expect(secretKinds(r.kinds).length).toBeGreaterThan(0);
  });

  it.each(QUESTIONS)('leaves %j as it was', (message) => {
    const r = redactSensitive(message);
    expect(r.text).toBe(message);
    expect([...r.kinds]).toEqual([]);
  });
});

/** Words a resident might put around a code; none contains a digit. */
const word = fc.constantFrom(
  'ngân',
  'hàng',
  'gửi',
  'của',
  'tôi',
  'vừa',
  'nhận',
  'vietcombank',
  'có',
  'nên',
  'đưa',
  'không',
  'ạ',
  'nhé',
  'bên',
  'sms',
  'zalo',
);
const words = (max: number) => fc.array(word, { maxLength: max }).map((ws) => ws.join(' '));
const otpWord = fc.constantFrom('mã OTP', 'ma otp', 'OTP', 'otp', 'mã xác thực', 'ma xac nhan', 'mã kích hoạt');
const sixDigits = fc.stringMatching(/^\d{6}$/);

describe('redactSensitive: properties', () => {
  it('a 6-digit code after "mã OTP" (a few words between) never survives', () => {
    fc.assert(
      fc.property(
        words(3),
        otpWord,
        words(3),
        fc.constantFrom(' ', ' là ', ': ', ' la '),
        sixDigits,
        words(4),
        (a, k, gap, sep, code, b) => {
          const message = `${a} ${k} ${gap}${sep}${code} ${b}`.trim();
          const r = redactSensitive(message);
          expect(r.text).not.toContain(code);
          expect(r.kinds.has('otp')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a 6-digit code before "là mã OTP" never survives', () => {
    fc.assert(
      fc.property(words(3), sixDigits, otpWord, words(4), (a, code, k, b) => {
        const message = `${a} ${code} là ${k} ${b}`.trim();
        const r = redactSensitive(message);
        expect(r.text).not.toContain(code);
        expect(r.kinds.has('otp')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a password with a digit after "mật khẩu … là" never survives', () => {
    const password = fc.stringMatching(/^[A-Za-z][A-Za-z0-9@#!]{2,10}\d[A-Za-z0-9]{0,4}$/);
    fc.assert(
      fc.property(words(4), password, words(4), (gap, secret, b) => {
        const message = `mật khẩu ${gap} là ${secret} ${b}`.replace(/\s+/g, ' ').trim();
        const r = redactSensitive(message);
        expect(r.text).not.toContain(secret);
        expect(r.kinds.has('password')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('redaction is idempotent', () => {
    const piece = fc.oneof(
      word,
      otpWord,
      sixDigits,
      fc.constantFrom('mật khẩu', 'mk', 'passcode', 'là', ':', 'is', 'password', 'stk', 'thẻ', '0912345678', ','),
      fc.stringMatching(/^[A-Za-z0-9@]{1,12}$/),
      fc.stringMatching(/^\d{1,19}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const once = redactSensitive(pieces.join(' ')).text;
        expect(redactSensitive(once).text).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('text without any digit and without a secret keyword is never changed', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 20 }), (ws) => {
        const message = ws.join(' ');
        expect(redactSensitive(message).text).toBe(message);
      }),
    );
  });
});
