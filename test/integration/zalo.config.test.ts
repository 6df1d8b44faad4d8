/**
 * The Zalo channel's settings: off unless switched on, the documented
 * defaults, a ConfigError naming each missing or bad variable (never echoing a
 * secret), and the Bot Platform chosen by ZALO_MODE or by a bot token alone.
 * The factory npm start uses, on SQLite or PostgreSQL (test/testService.ts).
 */
import { loadChannelSettings } from '../../src/channelSettings.js';
import { describe, expect, it } from 'vitest';
import { loadZaloConfig } from '../../src/channels/zalo/config.js';
import { ConfigError } from '../../src/config.js';
import { memoryLogger } from '../helpers.js';
import { testService } from '../testService.js';

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadZaloConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

const OA = { ZALO_APP_ID: '1234567890', ZALO_OA_SECRET_KEY: 'oa-key', ZALO_APP_SECRET: 'app-secret' };

describe('loadZaloConfig', () => {
  it('is off when no switching variable is set (base URLs alone do not switch it on)', () => {
    expect(loadZaloConfig({})).toBeUndefined();
    expect(loadZaloConfig({ ZALO_API_BASE: 'http://127.0.0.1:9', ZALO_FREE_WINDOW_HOURS: '24' })).toBeUndefined();
    expect(loadZaloConfig({ ZALO_APP_ID: '  ' })).toBeUndefined();
  });

  it('gives the documented defaults in OA mode', () => {
    expect(loadZaloConfig(OA)).toMatchObject({
      ZALO_MODE: 'oa',
      ZALO_API_BASE: 'https://openapi.zalo.me',
      ZALO_OAUTH_BASE: 'https://oauth.zaloapp.com',
      ZALO_SIGNATURE_WINDOW_SECONDS: 300,
      ZALO_SIGNATURE_HEADER: 'X-ZEvent-Signature',
      ZALO_FREE_WINDOW_HOURS: 48,
      ZALO_MAX_WINDOW_DAYS: 7,
      ZALO_ALLOW_BILLED: false,
      ZALO_BUTTON_TEMPLATES: false,
      ZALO_TEXT_LIMIT: 2000,
      ZALO_CODES_TOKEN: [-216, -220],
      ZALO_CODES_HOLD: [-230, -232, -320, -321, -211, -218],
    });
  });

  it('parses overrides: flags, windows, code lists, base URLs without a trailing slash', () => {
    const c = loadZaloConfig({
      ...OA,
      ZALO_ALLOW_BILLED: 'true',
      ZALO_BUTTON_TEMPLATES: '1',
      ZALO_FREE_WINDOW_HOURS: '24',
      ZALO_CODES_HOLD: '-230, -999',
      ZALO_API_BASE: 'http://127.0.0.1:8080/',
    });
    expect(c).toMatchObject({
      ZALO_ALLOW_BILLED: true,
      ZALO_BUTTON_TEMPLATES: true,
      ZALO_FREE_WINDOW_HOURS: 24,
      ZALO_CODES_HOLD: [-230, -999],
      ZALO_API_BASE: 'http://127.0.0.1:8080',
    });
  });

  it('names every missing or bad variable, without echoing secrets', () => {
    const issues = issuesOf({ ZALO_APP_ID: 'abc', ZALO_APP_SECRET: 'super-secret-value' });
    expect(issues.some((i) => i.startsWith('ZALO_APP_ID = "abc"'))).toBe(true);
    expect(issues.some((i) => i.startsWith('ZALO_OA_SECRET_KEY') && i.includes('bắt buộc'))).toBe(true);
    expect(issues.join('\n')).not.toContain('super-secret-value');
    expect(issuesOf({ ...OA, ZALO_SIGNATURE_WINDOW_SECONDS: 'năm phút' })[0]).toMatch(/^ZALO_SIGNATURE_WINDOW_SECONDS/);
    // Numbers are decimal digits only: what Number() would also read (1e3, 0x30) is refused, not taken.
    const loose: readonly (readonly [string, string])[] = [
      ['ZALO_SIGNATURE_WINDOW_SECONDS', '1e3'],
      ['ZALO_FREE_WINDOW_HOURS', '0x30'],
      ['ZALO_MAX_WINDOW_DAYS', '7.5'],
      ['ZALO_TEXT_LIMIT', '2e3'],
    ];
    for (const [name, value] of loose)
      expect(issuesOf({ ...OA, [name]: value })[0]).toMatch(
        new RegExp(`^${name} = "${value.replace('.', '\\.')}": phải là số nguyên`),
      );
    expect(issuesOf({ ...OA, ZALO_ALLOW_BILLED: 'maybe' })[0]).toMatch(/^ZALO_ALLOW_BILLED = "maybe": phải là true/);
    expect(issuesOf({ ...OA, ZALO_API_BASE: 'openapi.zalo.me' })[0]).toMatch(/^ZALO_API_BASE/);
    expect(issuesOf({ ...OA, ZALO_MODE: 'personal' })[0]).toMatch(/^ZALO_MODE = "personal"/);
  });

  it('chooses the Bot Platform by ZALO_MODE=bot or a bot token alone', () => {
    expect(loadZaloConfig({ ZALO_BOT_TOKEN: '12345:abcdefgh' })).toMatchObject({
      ZALO_MODE: 'bot',
      ZALO_BOT_API_BASE: 'https://bot-api.zaloplatforms.com',
    });
    expect(issuesOf({ ZALO_MODE: 'bot' })[0]).toMatch(/^ZALO_BOT_TOKEN = "": chưa đặt/);
    expect(
      issuesOf({ ZALO_MODE: 'bot', ZALO_BOT_TOKEN: '12345:abcdefgh', ZALO_BOT_WEBHOOK_SECRET: 'short' })[0],
    ).toMatch(/^ZALO_BOT_WEBHOOK_SECRET/);
  });
});

describe('zaloChannel factory', () => {
  it('returns nothing when switched off and fails fast on a half configuration', async () => {
    const services = await testService();
    const { logger } = memoryLogger();
    try {
      expect(services.zaloChannel(loadChannelSettings({}), logger)).toBeUndefined();
      expect(() => loadChannelSettings({ ZALO_APP_ID: '123' })).toThrow(ConfigError);
      const runtime = services.zaloChannel(loadChannelSettings(OA), logger);
      expect(runtime?.name).toBe('zalo');
      expect(runtime?.webhooks?.map((w) => w.path)).toEqual(['/webhooks/zalo']);
    } finally {
      await services.close();
    }
  });

  it('says once that ZALO_HANDLER_THREADS is no longer used, and runs the channel anyway', async () => {
    const services = await testService();
    const { logger, lines } = memoryLogger();
    try {
      const runtime = services.zaloChannel(loadChannelSettings({ ...OA, ZALO_HANDLER_THREADS: '1' }), logger);
      expect(runtime?.name).toBe('zalo');
      expect(lines.filter((l) => l.includes('ZALO_HANDLER_THREADS không còn được dùng'))).toHaveLength(1);
      services.zaloChannel(loadChannelSettings(OA), logger);
      expect(lines.filter((l) => l.includes('ZALO_HANDLER_THREADS'))).toHaveLength(1);
    } finally {
      await services.close();
    }
  });
});
