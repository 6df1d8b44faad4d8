/**
 * Questions the bot was not sure about reach staff through `cli unanswered`,
 * masked: a phone number typed by a resident is never shown back.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { localTime, runUnanswered } from '../../src/cli/unanswered.js';
import { memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';

/** Each case a service of its own (SQLite or PostgreSQL), on which the command runs with the service's config. */
let open: TestService | undefined;
async function service(): Promise<TestService> {
  open = await testService();
  return open;
}
afterEach(async () => {
  await open?.close();
  open = undefined;
});

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('cli unanswered', () => {
  it('lists unsure questions newest first with personal numbers masked', async () => {
    const services = await service();
    await services.engine.handle({
      channel: 'web',
      userId: 'u1',
      text: 'giá vé xe khách đi Vinh, gọi tôi số 0912345678',
    });
    await services.engine.handle({ channel: 'zalo', userId: 'u2', text: 'thời tiết ngày mai thế nào' });
    const out = capture();
    const code = await runUnanswered(
      { config: services.config, logger: memoryLogger().logger, args: [], stdout: out.stream },
      undefined,
    );
    expect(code).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('[zalo]');
    expect(lines[0]).toContain('thời tiết ngày mai');
    // Out-of-scope questions are marked apart from real misses; times are the commune's (UTC+7).
    expect(lines[0]).toContain('[out of scope]');
    expect(lines[1]).toContain('giá vé xe khách');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d \(giờ VN\)/);
    expect(out.text()).not.toContain('0912345678');
  });

  it('shows a 👎 with the answer that was given', async () => {
    const services = await service();
    const who = { channel: 'web' as const, userId: 'u9' };
    const answer = await services.engine.handle({ ...who, text: 'VNeID là gì?' });
    expect(answer[0]?.buttons?.map((b) => b.value)).toContain('fb:down');
    await services.engine.handle({ ...who, choice: 'fb:down' });
    const out = capture();
    await runUnanswered(
      { config: services.config, logger: memoryLogger().logger, args: [], stdout: out.stream },
      undefined,
    );
    expect(out.text()).toContain('[answered, marked 👎]  VNeID là gì?');
    expect(out.text()).toContain('answer given: ');
  });

  it('groups the same question asked in different words, with how many residents asked (--groups)', async () => {
    const services = await service();
    const asked = [
      ['a', 'Lớp học kỹ năng số ở nhà văn hóa xóm có học buổi tối không?'],
      ['b', 'lop hoc ky nang so o nha van hoa xom co hoc buoi toi ko'],
      ['c', 'Wifi miễn phí ở nhà văn hóa xã mật khẩu là gì'],
    ] as const;
    for (const [userId, text] of asked) await services.engine.handle({ channel: 'web', userId, text });
    const out = capture();
    const code = await runUnanswered(
      { config: services.config, logger: memoryLogger().logger, args: [], stdout: out.stream },
      undefined,
      true,
    );
    expect(code).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines[0]).toMatch(/^2 người hỏi, 2 câu, gần nhất .*: Lớp học kỹ năng số ở nhà văn hóa xóm/);
    expect(lines[1]).toBe('    • lop hoc ky nang so o nha van hoa xom co hoc buoi toi ko');
    expect(lines[2]).toMatch(/^1 người hỏi, 1 câu, .*Wifi miễn phí/);
  });

  it('shows stored UTC instants in Vietnam time', () => {
    expect(localTime('2026-12-01T20:30:00.000Z')).toBe('2026-12-02 03:30 (giờ VN)');
  });

  it('rejects a bad --limit with a clear message', async () => {
    const out = capture();
    const ctx = {
      config: (await service()).config,
      logger: memoryLogger().logger,
      args: [],
      stdout: out.stream,
    };
    expect(await runUnanswered(ctx, 'abc')).toBe(1);
    expect(await runUnanswered(ctx, '0')).toBe(1);
  });
});
