/**
 * @module staff/password
 *
 * Staff passwords, hashed with scrypt from node:crypto (memory-hard, no
 * native add-on to build). The hash string carries its own parameters
 * (`scrypt$N$r$p$salt$hash`), so a later, costlier setting does not lock
 * out anyone whose hash was made with the old one. Verification compares in
 * constant time. A password is never logged or stored anywhere else.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { foldMarks } from '../core/text/normalize.js';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB per hash, about 50–100 ms on a small server: slow for a guesser, fine for a login. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 10;
/** Longer input is refused before hashing: scrypt over megabytes is a free way to load the server. */
export const MAX_PASSWORD_LENGTH = 200;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const HASH_PATTERN = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{16,128})$/;

/** True when `password` matches `stored`; false for any malformed or unknown hash (never throws on bad input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = HASH_PATTERN.exec(stored);
  if (!m || password.length > MAX_PASSWORD_LENGTH) return false;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds keep a tampered row from asking for gigabytes of memory.
  if (params.N < 2 || params.N > 2 ** 20 || (params.N & (params.N - 1)) !== 0 || params.r > 32 || params.p > 16) {
    return false;
  }
  const expected = Buffer.from(m[5] ?? '', 'base64url');
  const key = await derive(password, Buffer.from(m[4] ?? '', 'base64url'), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash of a random password: checked when no account has the name typed,
 * so a wrong name takes as long as a wrong password and tells nothing.
 */
export function dummyHash(): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64url'));
}

/** Passwords found at the top of every leaked list, Vietnamese favourites included (compared folded, lower case). */
const COMMON = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  '9876543210',
  '1111111111',
  '0000000000',
  '1234512345',
  '1122334455',
  '123456789a',
  'a123456789',
  'abc1234567',
  'abcd123456',
  'qwertyuiop',
  'qwerty1234',
  'qwerty123456',
  '1qaz2wsx3edc',
  'asdfghjkl1',
  'password1234',
  'password123',
  'password12',
  'passw0rd123',
  'iloveyou123',
  'admin12345',
  'admin123456',
  'administrator',
  'matkhau123',
  'matkhau1234',
  'matkhaumoi',
  'anhyeuem123',
  'anhyeuem1234',
  'emyeuanh123',
  'vietnam123',
  'vietnam1234',
  'hocvuso123',
  'hungchau123',
  'hungchau2025',
  'hungchau2026',
  'xahungchau',
  'ubndxa12345',
  'changeme123',
  'welcome123',
  'letmein1234',
]);

/**
 * Why `password` may not be used, in Vietnamese, or undefined when it may:
 * at least 10 characters, not a well-known one, not one character repeated,
 * not the login name itself.
 */
export function passwordProblem(password: string, loginId?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Mật khẩu cần dài ít nhất ${MIN_PASSWORD_LENGTH} ký tự.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Mật khẩu dài quá ${MAX_PASSWORD_LENGTH} ký tự.`;
  const folded = foldMarks(password).replace(/\s+/g, '');
  if (COMMON.has(folded)) return 'Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.';
  if (new Set(folded).size <= 2) return 'Mật khẩu chỉ lặp lại một vài ký tự, dễ bị đoán. Vui lòng chọn mật khẩu khác.';
  const login = loginId === undefined ? '' : foldMarks(loginId).replace(/[-._]/g, '');
  if (login.length >= 4 && folded.replace(/[-._]/g, '').includes(login)) {
    return 'Mật khẩu không được chứa tên đăng nhập.';
  }
  return undefined;
}
