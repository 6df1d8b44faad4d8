/**
 * On PostgreSQL several processes may run: a Telegram bot that long-polls
 * can have one reader only, so the start says so (pgRun.ts pollingWarning).
 */
import { describe, expect, it } from 'vitest';
import { loadChannelSettings } from '../../src/channelSettings.js';
import { pollingWarning } from '../../src/pgRun.js';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi';

describe('the Telegram polling warning on PostgreSQL', () => {
  it('names webhook mode when the bot long-polls', () => {
    const warning = pollingWarning(loadChannelSettings({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'polling' }));
    expect(warning).toContain('TELEGRAM_MODE=webhook');
    expect(warning).toContain('một tiến trình');
  });

  it('says nothing for a webhook bot or no bot', () => {
    const webhook = loadChannelSettings({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_URL: 'https://hocvuso.example.org/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: 'a-secret-of-enough-length-123',
    });
    expect(pollingWarning(webhook)).toBeUndefined();
    expect(pollingWarning(loadChannelSettings({}))).toBeUndefined();
  });
});
