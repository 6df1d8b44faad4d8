/**
 * The commands with no PostgreSQL path yet (cli/sqliteOnly.ts) refuse to run
 * with DATABASE_URL set, in Vietnamese, instead of silently using SQLite.
 */
import { describe, expect, it } from 'vitest';
import { sqliteOnlyMessage } from '../../../src/cli/sqliteOnly.js';

const URL = 'postgres://app@localhost/hocvuso';

describe('commands that still work on SQLite only', () => {
  it.each(['chat'])('%s says it does not run on PostgreSQL and what to do', (command) => {
    const message = sqliteOnlyMessage(command, URL);
    expect(message).toContain(`lệnh ${command} chưa chạy được trên PostgreSQL`);
    expect(message).toContain('không tự chuyển sang tệp SQLite');
    expect(message).toContain('Bỏ DATABASE_URL');
  });

  it('lets them run on SQLite, and never stops the commands that work on PostgreSQL', () => {
    expect(sqliteOnlyMessage('chat', undefined)).toBeUndefined();
    for (const command of [
      'ask',
      'ingest',
      'staff',
      'export',
      'population',
      'unanswered',
      'prune',
      'channel',
      'quiz',
      'zalo',
    ]) {
      expect(sqliteOnlyMessage(command, URL)).toBeUndefined();
    }
  });
});
