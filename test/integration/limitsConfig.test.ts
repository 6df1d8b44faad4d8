/**
 * The settings of web sessions, rate limits and retention: their defaults,
 * a bad value named with what is wrong, and a session secret that is never
 * echoed back in the error, even when it is refused for being too short.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { retentionOf } from '../../src/limitsConfig.js';

function issuesOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.join('\n');
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('limits settings', () => {
  it('defaults: no secret (one is generated), no proxy, 20 at once then 30 a minute, 60 per address', () => {
    const c = loadConfig({});
    expect(c.SESSION_SECRET).toBeUndefined();
    expect(c).toMatchObject({
      TRUST_PROXY: false,
      RATE_LIMIT_BURST: 20,
      RATE_LIMIT_PER_MINUTE: 30,
      RATE_LIMIT_IP_PER_MINUTE: 60,
    });
    expect(retentionOf(c)).toEqual({ questions: 180, conversations: 90, events: 30, audit: 730 });
  });

  it('reads the values set', () => {
    const c = loadConfig({
      SESSION_SECRET: 's'.repeat(40),
      TRUST_PROXY: '1',
      RATE_LIMIT_BURST: '5',
      RETENTION_QUESTIONS_DAYS: '365',
    });
    expect(c).toMatchObject({ SESSION_SECRET: 's'.repeat(40), TRUST_PROXY: true, RATE_LIMIT_BURST: 5 });
    expect(retentionOf(c).questions).toBe(365);
    expect(loadConfig({ TRUST_PROXY: 'off' }).TRUST_PROXY).toBe(false);
  });

  it('names a bad value', () => {
    expect(issuesOf({ RATE_LIMIT_PER_MINUTE: '0' })).toMatch(/^RATE_LIMIT_PER_MINUTE = "0": /);
    expect(issuesOf({ RETENTION_EVENTS_DAYS: '1e3' })).toMatch(/^RETENTION_EVENTS_DAYS = "1e3": /);
    expect(issuesOf({ TRUST_PROXY: 'maybe' })).toMatch(/^TRUST_PROXY = "maybe": /);
  });

  it('never shows the session secret, even a refused one', () => {
    const issues = issuesOf({ SESSION_SECRET: 'hunter2-too-short' });
    expect(issues).toMatch(/^SESSION_SECRET = \(ẩn\): phải dài ít nhất 32 ký tự/);
    expect(issues).not.toContain('hunter2');
  });
});
