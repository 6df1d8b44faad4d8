import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
  verifyPassword,
} from '../../../src/staff/password.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('staff passwords (scrypt)', () => {
  it('stores the default parameters and a random salt in the hash, and verifies only the right password', async () => {
    const a = await hashPassword('mot cau dai de nho');
    const b = await hashPassword('mot cau dai de nho');
    expect(a).toMatch(new RegExp(`^scrypt\\$${DEFAULT_SCRYPT.N}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('mot cau');
    expect(await verifyPassword('mot cau dai de nho', a)).toBe(true);
    expect(await verifyPassword('mot cau dai de nhO', a)).toBe(false);
  });

  it('checks a hash made with other parameters by the parameters it carries', async () => {
    const h = await hashPassword('mật khẩu của tôi 2026', FAST);
    expect(h.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('mật khẩu của tôi 2026', h)).toBe(true);
    // The same text in decomposed Unicode (some keyboards) is the same password.
    expect(await verifyPassword('mật khẩu của tôi 2026'.normalize('NFD'), h)).toBe(true);
    expect(await verifyPassword('mat khau cua toi 2026', h)).toBe(false);
  });

  it('refuses malformed, tampered or outrageous hashes without throwing', async () => {
    const h = await hashPassword('mot cau dai de nho', FAST);
    expect(await verifyPassword('mot cau dai de nho', '')).toBe(false);
    expect(await verifyPassword('mot cau dai de nho', 'plain-text')).toBe(false);
    expect(await verifyPassword('mot cau dai de nho', h.replace('$1024$', '$2048$'))).toBe(false);
    expect(await verifyPassword('mot cau dai de nho', h.replace('$1024$', '$1000$'))).toBe(false);
    expect(await verifyPassword('mot cau dai de nho', h.replace('$1024$', `$${2 ** 24}$`))).toBe(false);
    expect(await verifyPassword('x'.repeat(201), h)).toBe(false);
  });

  it('asks for at least 10 characters and refuses common, repetitive or login-name passwords', () => {
    expect(passwordProblem('ngan qua')).toContain(`${MIN_PASSWORD_LENGTH} ký tự`);
    expect(passwordProblem('1234567890')).toContain('phổ biến');
    expect(passwordProblem('Mật khẩu 123')).toContain('phổ biến');
    expect(passwordProblem('aaaaaaaaaaaa')).toContain('lặp lại');
    expect(passwordProblem('nguyenthilan99', 'nguyen-thi-lan')).toContain('tên đăng nhập');
    expect(passwordProblem('x'.repeat(201))).toContain('200');
    expect(passwordProblem('hoa sen nở giữa đầm', 'nguyen-thi-lan')).toBeUndefined();
  });
});
