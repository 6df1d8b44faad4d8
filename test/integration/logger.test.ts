/**
 * What reaches the log: never a resident's phone number, ID number or
 * password, never a bot token or API key, whether it arrives as the message,
 * as an interpolated argument or as a field of the logged object.
 */
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../helpers.js';

const SECRETS = {
  phone: { text: 'Số điện thoại của tôi là 0912 345 678 nhé', raw: ['0912 345 678', '0912345678', '345 678'] },
  phoneCompact: { text: 'sdt 0381234567', raw: ['0381234567'] },
  idNumber: { text: 'CCCD của tôi: 001203004567', raw: ['001203004567', '203004567'] },
  password: { text: 'mật khẩu là abc123', raw: ['abc123'] },
  botToken: {
    text: 'Telegram token 123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll',
    raw: ['123456789', 'AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll'],
  },
  botUrl: {
    text: 'GET https://api.telegram.org/bot123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll/getMe',
    raw: ['AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll', '123456789'],
  },
  apiKey: { text: 'key sk-proj1234567890abcdefXYZ', raw: ['sk-proj1234567890abcdefXYZ', '1234567890'] },
  databaseUrl: {
    text: 'cannot reach postgres://hocvuso_app:Pg-s3cret-pw@db.example:5432/hocvuso',
    raw: ['Pg-s3cret-pw'],
  },
  databaseUrlOddPassword: {
    text: 'cannot reach postgres://app:Pg/s3c@ret@db.example/hocvuso?sslpassword=Key-pw-9',
    raw: ['Pg/s3c', 's3c@ret', 'ret@db', 'Key-pw-9'],
  },
} as const;

type Case = keyof typeof SECRETS;
const CASES = Object.keys(SECRETS) as Case[];

function expectClean(lines: readonly string[], raw: readonly string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  const all = lines.join('');
  for (const r of raw) expect(all).not.toContain(r);
}

describe('createLogger redaction', () => {
  it.each(CASES)('masks a %s in the message', (c) => {
    const { logger, lines } = memoryLogger();
    logger.info(SECRETS[c].text);
    expectClean(lines, SECRETS[c].raw);
    // The rest of the message survives, so the log stays useful.
    expect(JSON.parse(lines[0] ?? '{}')).toHaveProperty('msg');
  });

  it.each(CASES)('masks a %s in a field of the logged object', (c) => {
    const { logger, lines } = memoryLogger();
    logger.warn({ question: SECRETS[c].text, reason: SECRETS[c].text, n: 1 }, 'question logged');
    expectClean(lines, SECRETS[c].raw);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry.msg).toBe('question logged');
    expect(entry.n).toBe(1);
    expect(typeof entry.question).toBe('string');
  });

  it.each(CASES)('masks a %s passed as a format argument', (c) => {
    const { logger, lines } = memoryLogger();
    logger.error('failed for %s', SECRETS[c].text);
    expectClean(lines, SECRETS[c].raw);
  });

  it('drops secrets by key path and keeps harmless values', () => {
    const { logger, lines } = memoryLogger();
    logger.info(
      {
        req: { token: 'plain-secret-token', authorization: 'Bearer xyz', hamlet: 'Xóm 1' },
        config: { OPENAI_API_KEY: 'not-an-sk-shaped-key', PORT: 3000 },
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      },
      'request',
    );
    const all = lines.join('');
    for (const raw of ['plain-secret-token', 'Bearer xyz', 'not-an-sk-shaped-key', 'dXNlcjpwYXNz']) {
      expect(all).not.toContain(raw);
    }
    expect(all).toContain('Xóm 1');
    expect(all).toContain('[redacted]');
  });

  it('keeps ordinary numbers that are not personal (dates, prices, short codes)', () => {
    const { logger, lines } = memoryLogger();
    logger.info('Ngày 10/10/2025, lệ phí 50000 đồng, mức 2, đường dây 1900 0368');
    const msg = (JSON.parse(lines[0] ?? '{}') as { msg: string }).msg;
    expect(msg).toContain('10/10/2025');
    expect(msg).toContain('50000');
    expect(msg).toContain('mức 2');
  });
});
