/**
 * compiledOnce (storage/pg/compiledOnce.ts): a fixed-shape statement compiled
 * by Kysely once, its arguments put where their stand-ins were at each call.
 * Each refusal here is a way a statement's shape or values could silently
 * differ from what the builder would have made for those arguments. Compiling
 * needs no server (Kysely's compile-only dialect); test/pg runs the
 * statements themselves.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compiledOnce } from '../../../src/storage/pg/compiledOnce.js';
import { nowIso } from '../../../src/storage/pg/pgSql.js';

describe('compiledOnce', () => {
  it('gives the SQL the builder makes, with each call’s values in the parameters, in order', () => {
    const q = compiledOnce((db, a: { communeId: string; channel: string; userId: string }) =>
      db
        .selectFrom('conversation_state')
        .select('state_json')
        .where('commune_id', '=', a.communeId)
        .where('channel', '=', a.channel)
        .where('user_id', '=', a.userId)
        .forUpdate(),
    );
    const first = q({ communeId: 'xa-a', channel: 'web', userId: 'u1' });
    const second = q({ communeId: 'xa-b', channel: 'zalo', userId: 'u2' });
    expect(first.sql).toBe(
      'select "state_json" from "conversation_state" where "commune_id" = $1 and "channel" = $2 and "user_id" = $3 for update',
    );
    expect(first.parameters).toEqual(['xa-a', 'web', 'u1']);
    expect(second.sql).toBe(first.sql);
    expect(second.parameters).toEqual(['xa-b', 'zalo', 'u2']);
  });

  it('places an argument used twice in both parameters, and keeps null, numbers and arrays as given', () => {
    const q = compiledOnce(
      (_db, a: { communeId: string; ids: number[]; note: string | null; n: number }) =>
        sql`SELECT ${a.communeId}, ${a.ids}::bigint[], ${a.note}, ${a.n}, ${a.communeId}`,
    );
    const c = q({ communeId: 'xa-a', ids: [3, 4], note: null, n: 7 });
    expect(c.sql).toBe('SELECT $1, $2::bigint[], $3, $4, $5');
    expect(c.parameters).toEqual(['xa-a', [3, 4], null, 7, 'xa-a']);
  });

  it('compiles once: the builder runs at the first call only', () => {
    let built = 0;
    const q = compiledOnce((db, a: { id: string }) => {
      built++;
      return db.selectFrom('citizens').select('id').where('id', '=', a.id);
    });
    q({ id: 'a' });
    q({ id: 'b' });
    expect(built).toBe(1);
  });

  it('keeps SQL literals and SQL-made values (sql.lit, nowIso) in the text', () => {
    const q = compiledOnce((db, a: { id: string }) =>
      db
        .updateTable('quiz_attempts')
        .set({ updated_at: nowIso() })
        .where('id', '=', a.id)
        .where('status', '=', sql.lit('active' as const)),
    );
    const c = q({ id: 'x' });
    expect(c.sql).toContain(`"status" = 'active'`);
    expect(c.parameters).toEqual(['x']);
  });

  it('refuses a constant written as a value: it would be frozen into every later call', () => {
    const q = compiledOnce((db, a: { id: string }) =>
      db.selectFrom('quiz_attempts').select('id').where('id', '=', a.id).where('status', '=', 'active'),
    );
    expect(() => q({ id: 'x' })).toThrow(/parameter \$2 is "active", not an argument/);
  });

  it('refuses a value computed in the builder (a time taken at the first call)', () => {
    const q = compiledOnce((db, a: { id: string }) =>
      db
        .updateTable('citizens')
        .set({ updated_at: new Date(0).toISOString() })
        .where('id', '=', a.id),
    );
    expect(() => q({ id: 'x' })).toThrow(/not an argument/);
  });

  it('refuses an argument transformed in the builder', () => {
    const q = compiledOnce((db, a: { id: string; state: string }) =>
      db
        .updateTable('conversation_state')
        .set({ state_json: JSON.stringify(a.state) })
        .where('user_id', '=', a.id),
    );
    expect(() => q({ id: 'x', state: '{}' })).toThrow(/a transformed argument/);
  });

  it('refuses an argument written into the SQL text', () => {
    const q = compiledOnce((db, a: { table: string; id: string }) =>
      db.selectFrom('citizens').select('id').where('id', '=', a.id).where(sql.raw(a.table), '=', a.id),
    );
    expect(() => q({ table: 'x', id: 'y' })).toThrow(/written into the SQL text/);
  });

  it('refuses an argument the builder read but did not place', () => {
    const q = compiledOnce((db, a: { id: string; unused: string }) => {
      void a.unused;
      return db.selectFrom('citizens').select('id').where('id', '=', a.id);
    });
    expect(() => q({ id: 'x', unused: 'y' })).toThrow(/argument 'unused' is not a parameter/);
  });

  it('refuses an undefined argument at a call (Kysely would have left the column out)', () => {
    const q = compiledOnce((db, a: { id: string; name: string | null }) =>
      db.updateTable('citizens').set({ display_name: a.name }).where('id', '=', a.id),
    );
    expect(q({ id: 'x', name: null }).parameters).toEqual([null, 'x']);
    expect(() => q({ id: 'x', name: undefined as unknown as null })).toThrow(/argument 'name' is undefined/);
  });
});
