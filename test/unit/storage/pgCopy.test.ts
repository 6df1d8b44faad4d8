/**
 * The pure parts of the move to PostgreSQL (`cli migrate-to-pg`): how one
 * SQLite value becomes a PostgreSQL one (and which values are refused rather
 * than copied wrong), the copy order by foreign keys, and the table of counts
 * staff read at the end.
 */
import { describe, expect, it } from 'vitest';
import { countsTable } from '../../../src/cli/countsTable.js';
import { foreignKeyOrder } from '../../../src/storage/pg/copyCatalog.js';
import { toPgValue, UncopyableValueError } from '../../../src/storage/pg/pgValue.js';

const where = () => 'outbox.id (row 7)';

describe('toPgValue', () => {
  it('passes through what both databases hold alike: ISO text, 0/1 flags in smallint, JSON text, doubles, bytes', () => {
    expect(toPgValue('2026-10-10T03:00:00.000Z', 'text', where)).toBe('2026-10-10T03:00:00.000Z');
    expect(toPgValue(1, 'smallint', where)).toBe(1);
    expect(toPgValue('{"a":[1,2]}', 'text', where)).toBe('{"a":[1,2]}');
    expect(toPgValue(0.125, 'double precision', where)).toBe(0.125);
    const bytes = Buffer.from([0, 255, 7]);
    expect(toPgValue(bytes, 'bytea', where)).toBe(bytes);
    expect(toPgValue(null, 'bigint', where)).toBeNull();
    expect(toPgValue(undefined, 'text', where)).toBeNull();
  });

  it('converts where a PostgreSQL column differs: 0/1 to boolean, text to bytea, a BLOB to jsonb text', () => {
    expect(toPgValue(1, 'boolean', where)).toBe(true);
    expect(toPgValue(0, 'boolean', where)).toBe(false);
    expect(toPgValue('abc', 'bytea', where)).toEqual(Buffer.from('abc'));
    expect(toPgValue(Buffer.from('{"x":1}'), 'jsonb', where)).toBe('{"x":1}');
    expect(toPgValue(2n ** 60n, 'bigint', where)).toBe('1152921504606846976');
  });

  it('refuses an integer SQLite rounded past 2^53 and a BLOB in a text column, naming where', () => {
    expect(() => toPgValue(2 ** 53 + 2, 'bigint', where)).toThrow(UncopyableValueError);
    expect(() => toPgValue(2 ** 53 + 2, 'bigint', where)).toThrow(/outbox\.id \(row 7\)/);
    expect(() => toPgValue(Buffer.from('x'), 'text', where)).toThrow(/BLOB cannot go into a text column/);
    expect(toPgValue(2 ** 53 - 1, 'bigint', where)).toBe(2 ** 53 - 1);
  });
});

describe('foreignKeyOrder', () => {
  it('puts every table after the tables it references, others in migration order', () => {
    const parents = new Map([
      ['handoff_messages', new Set(['handoff_threads'])],
      ['handoff_threads', new Set(['communes'])],
      ['citizen_identities', new Set(['citizens', 'communes'])],
      ['citizens', new Set(['communes'])],
    ]);
    const order = foreignKeyOrder(
      ['handoff_messages', 'citizen_identities', 'handoff_threads', 'citizens', 'communes'],
      parents,
    );
    expect(order).toEqual(['communes', 'citizens', 'citizen_identities', 'handoff_threads', 'handoff_messages']);
  });

  it('ignores references to tables not copied, and refuses a cycle', () => {
    expect(foreignKeyOrder(['b'], new Map([['b', new Set(['a'])]]))).toEqual(['b']);
    const cycle = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['a'])],
    ]);
    expect(() => foreignKeyOrder(['a', 'b'], cycle)).toThrow(/cycle among: a, b/);
  });
});

describe('countsTable', () => {
  it('lines up the counts under Vietnamese headings and marks a mismatch', () => {
    const text = countsTable([
      { table: 'citizens', sqlite: 12000, pg: 12000 },
      { table: 'outbox', sqlite: 3, pg: 2 },
    ]);
    expect(text.split('\n')).toEqual([
      'Bảng      SQLite  PostgreSQL  Khớp',
      '--------  ------  ----------  -----',
      'citizens  12.000      12.000  có',
      'outbox         3           2  KHÔNG',
    ]);
  });
});
