import { describe, expect, it } from 'vitest';
import { pgConnectionProblem } from '../../src/storage/pg/pgProblems.js';

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('pgConnectionProblem', () => {
  it('says what to check or run for each set-up problem, in Vietnamese', () => {
    expect(pgConnectionProblem(withCode('ECONNREFUSED'))).toMatch(/không kết nối được tới PostgreSQL/u);
    expect(pgConnectionProblem(withCode('28P01'))).toMatch(/từ chối đăng nhập/u);
    expect(pgConnectionProblem(withCode('3D000'))).toMatch(/CREATE DATABASE/u);
    expect(pgConnectionProblem(withCode('42P01', 'relation "communes" does not exist'))).toMatch(
      /chưa có các bảng.*relation "communes".*migrate-to-pg/u,
    );
  });

  it('leaves any other error to the caller', () => {
    expect(pgConnectionProblem(withCode('23505'))).toBeUndefined();
    expect(pgConnectionProblem(new Error('boom'))).toBeUndefined();
  });
});
