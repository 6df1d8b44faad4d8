/**
 * `/canbo CODE` in the core, with a fake port: which texts are a staff link
 * (and which stay questions), what each outcome says, that only Telegram and
 * Zalo identities are linked, and that failures — only failures — count
 * against the link-code guard.
 */
import { describe, expect, it } from 'vitest';
import { createLinkGuard } from '../../../../src/core/registry/linkGuard.js';
import { createStaffLinkFeature, staffCodeIn } from '../../../../src/core/stats/staffLink.js';
import type { StaffChatLinks, StaffLinkOutcome } from '../../../../src/core/stats/types.js';
import { fixedClock } from '../../../helpers.js';

const TELEGRAM = { channel: 'telegram', userId: '42' } as const;

function fakeLinks(outcome: StaffLinkOutcome): StaffChatLinks & { tried: string[] } {
  const tried: string[] = [];
  return {
    tried,
    redeem: (code) => {
      tried.push(code);
      return outcome;
    },
  };
}

describe('staffCodeIn', () => {
  it.each([
    ['/canbo K7P2QX9M', 'K7P2QX9M'],
    ['/canbo k7p2 qx9m', 'K7P2QX9M'],
    ['/canbo@HungChauBot K7P2-QX9M', 'K7P2QX9M'],
    ['/can bo: K7P2QX9M', 'K7P2QX9M'],
    ['cán bộ K7P2QX9M', 'K7P2QX9M'],
    ['CÁN BỘ: k7p2.qx9m', 'K7P2QX9M'],
    ['canbo K7P2QX9M', 'K7P2QX9M'],
  ])('reads %s as code %s', (text, code) => {
    expect(staffCodeIn(text)).toEqual({ code });
  });

  it('takes /canbo without a usable code as a request for the how-to', () => {
    for (const text of ['/canbo', '/canbo xin mã', '/canbo K7P2QX9', '/canbo K7P2QX0M']) {
      expect(staffCodeIn(text)).toEqual({});
    }
  });

  it('leaves questions that mention staff to the Q&A', () => {
    for (const text of ['cán bộ xã làm việc mấy giờ', 'can bo', 'gặp cán bộ ở đâu', 'liên kết K7P2QX9M', 'K7P2QX9M']) {
      expect(staffCodeIn(text)).toBeUndefined();
    }
  });
});

describe('the staff link feature', () => {
  it('links a Telegram or Zalo identity and says what /thongke now does', async () => {
    const links = fakeLinks({ ok: true });
    const feature = createStaffLinkFeature({ links, clock: fixedClock(), guard: createLinkGuard(fixedClock()) });
    const [reply] = await feature.redeem(TELEGRAM, { code: 'K7P2QX9M' });
    expect(reply).toMatchObject({ kind: 'personal' });
    expect(reply?.text).toContain('Đã liên kết tài khoản Telegram này');
    expect(reply?.text).toContain('/thongke');
    expect((await feature.redeem({ channel: 'zalo', userId: '9' }, { code: 'K7P2QX9M' }))[0]?.text).toContain('Zalo');
    expect(links.tried).toEqual(['K7P2QX9M', 'K7P2QX9M']);
  });

  it('tries no code from the web or the terminal, and none when the message had none', async () => {
    const links = fakeLinks({ ok: true });
    const feature = createStaffLinkFeature({ links, clock: fixedClock(), guard: createLinkGuard(fixedClock()) });
    expect((await feature.redeem({ channel: 'web', userId: 'w' }, { code: 'K7P2QX9M' }))[0]?.text).toContain(
      'chỉ liên kết được với Telegram hoặc Zalo',
    );
    expect((await feature.redeem({ channel: 'cli', userId: 'c' }, { code: 'K7P2QX9M' }))[0]?.text).toContain(
      'chỉ liên kết được với Telegram hoặc Zalo',
    );
    expect((await feature.redeem(TELEGRAM, {}))[0]?.text).toContain('gõ /canbo và mã 8 ký tự');
    expect(links.tried).toEqual([]);
  });

  it('answers a wrong and an expired code apart, and locks after five failures per identity', async () => {
    const clock = fixedClock();
    const guard = createLinkGuard(clock);
    const wrong = createStaffLinkFeature({ links: fakeLinks({ ok: false, reason: 'unknown' }), clock, guard });
    const expired = createStaffLinkFeature({ links: fakeLinks({ ok: false, reason: 'expired' }), clock, guard });
    expect((await wrong.redeem(TELEGRAM, { code: 'AAAAAAAA' }))[0]?.text).toContain('Mã cán bộ không đúng');
    expect((await expired.redeem(TELEGRAM, { code: 'AAAAAAAA' }))[0]?.text).toContain('đã hết hạn hoặc đã được dùng');
    for (let i = 0; i < 3; i++) await wrong.redeem(TELEGRAM, { code: 'AAAAAAAA' });
    const good = fakeLinks({ ok: true });
    const after = createStaffLinkFeature({ links: good, clock, guard });
    expect((await after.redeem(TELEGRAM, { code: 'K7P2QX9M' }))[0]?.text).toContain('nhập sai nhiều lần');
    expect(good.tried).toEqual([]);
    // Another identity is not locked.
    expect((await after.redeem({ channel: 'zalo', userId: '7' }, { code: 'K7P2QX9M' }))[0]?.text).toContain(
      'Đã liên kết',
    );
  });

  it('does not count a success against the guard', async () => {
    const clock = fixedClock();
    const guard = createLinkGuard(clock);
    const ok = createStaffLinkFeature({ links: fakeLinks({ ok: true }), clock, guard });
    for (let i = 0; i < 8; i++)
      expect((await ok.redeem(TELEGRAM, { code: 'K7P2QX9M' }))[0]?.text).toContain('Đã liên kết');
  });
});
