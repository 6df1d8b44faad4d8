/**
 * Repeated questions are served from a small cache keyed by the normalised
 * question; an ingestion that changes the index empties it, so a staff edit is
 * seen at once. On SQLite or PostgreSQL (test/testService.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testService } from '../testService.js';

const services = await testService();
afterAll(() => services.close());

describe('search result cache', () => {
  it('serves the same question typed with or without marks from one entry', async () => {
    const first = await services.search.search('Đăng ký định danh mức 2 ở đâu?', 5);
    const again = await services.search.search('dang ky dinh danh muc 2 o dau', 5);
    expect(again).toBe(first);
    expect(first.documents[0]?.ref).toBe('vneid/muc-dinh-danh.md');
  });

  it('keys by the number of results asked for', async () => {
    const five = await services.search.search('passcode vneid', 5);
    const two = await services.search.search('passcode vneid', 2);
    expect(two).not.toBe(five);
    expect(two.documents.length).toBeLessThanOrEqual(2);
  });

  it('is emptied when the index is reloaded', async () => {
    const before = await services.search.search('thông báo lưu trú', 5);
    services.search.reload();
    const after = await services.search.search('thông báo lưu trú', 5);
    expect(after).not.toBe(before);
    expect(after.documents.map((d) => d.ref)).toEqual(before.documents.map((d) => d.ref));
  });
});
