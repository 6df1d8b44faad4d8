/**
 * The AuditLog / AuditReader contract (staff/types.ts), run on SQLite
 * (test/integration/staffStore.test.ts) and PostgreSQL (test/pg/staffStore.test.ts):
 * each record is one new line stamped by the clock, earlier lines never
 * change, lines read back newest first and page back by id, and one
 * commune's admins never read another commune's lines. Named *.contract.ts so
 * no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock, MaybePromise } from '../../src/core/ports.js';
import type { AuditLog, AuditReader } from '../../src/staff/types.js';
import type { TableAccess } from './tables.js';

export type AuditStore = AuditLog & AuditReader;

export interface AuditSubject {
  /** The log of commune `communeId`. */
  readonly log: AuditStore;
  readonly communeId: string;
  /** A second commune's log on the same database. */
  readonly other: AuditStore;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const T0 = new Date('2026-12-01T08:00:00.000Z');

export function describeAuditLogContract(name: string, make: (clock: Clock) => MaybePromise<AuditSubject>): void {
  describe(`AuditLog contract (${name})`, () => {
    let subject: AuditSubject | undefined;
    let now = T0;
    const clock: Clock = { now: () => now };
    const open = async (): Promise<AuditSubject> => {
      now = T0;
      return (subject = await make(clock));
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });
    const mine = async (s: AuditSubject) =>
      (await s.tables.rows('staff_audit')).filter((r) => r['commune_id'] === s.communeId);

    it('appends each entry as a line stamped by the clock and reads them newest first', async () => {
      const s = await open();
      await s.log.record({ actorId: 'lan', action: 'staff.login', details: { network: '203.0.113.0/24' } });
      now = new Date(T0.getTime() + 60_000);
      await s.log.record({ actorId: 'lan', action: 'report.export', target: 'csv' });
      now = new Date(T0.getTime() + 120_000);
      await s.log.record({
        actorId: 'cli',
        action: 'settings.save',
        target: 'hamlets',
        details: { old: ['Xóm 1'], new: ['Xóm Đông'], count: 2, nested: { ok: true } },
      });

      const lines = await s.log.recent(10);
      expect(lines.map(({ id: _id, ...rest }) => rest)).toEqual([
        {
          at: '2026-12-01T08:02:00.000Z',
          actorId: 'cli',
          action: 'settings.save',
          target: 'hamlets',
          details: { old: ['Xóm 1'], new: ['Xóm Đông'], count: 2, nested: { ok: true } },
        },
        { at: '2026-12-01T08:01:00.000Z', actorId: 'lan', action: 'report.export', target: 'csv', details: {} },
        {
          at: '2026-12-01T08:00:00.000Z',
          actorId: 'lan',
          action: 'staff.login',
          details: { network: '203.0.113.0/24' },
        },
      ]);
      const ids = lines.map((l) => l.id);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      expect(new Set(ids).size).toBe(3);
    });

    it('pages back with `before` and `limit`', async () => {
      const s = await open();
      for (let i = 1; i <= 5; i++) await s.log.record({ actorId: 'lan', action: 'learning.flag', target: `u${i}` });
      const first = await s.log.recent(2);
      expect(first.map((l) => l.target)).toEqual(['u5', 'u4']);
      const second = await s.log.recent(2, first[1]?.id);
      expect(second.map((l) => l.target)).toEqual(['u3', 'u2']);
      const last = await s.log.recent(2, second[1]?.id);
      expect(last.map((l) => l.target)).toEqual(['u1']);
      expect(await s.log.recent(2, last[0]?.id)).toEqual([]);
    });

    it('never changes an earlier line, and keeps every line of entries recorded at once', async () => {
      const s = await open();
      await s.log.record({ actorId: 'lan', action: 'faq.approve', target: 'c-1', details: { revision: 1 } });
      const before = await mine(s);
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) =>
          s.log.record({ actorId: 'lan', action: 'report.export', target: `f${i}` }),
        ),
      );
      const after = await mine(s);
      expect(after).toHaveLength(9);
      expect(after[0]).toEqual(before[0]);
      expect(after.slice(1).map((r) => r['target'])).toEqual(
        expect.arrayContaining(Array.from({ length: 8 }, (_, i) => `f${i}`)),
      );
      expect(new Set(after.map((r) => Number(r['id']))).size).toBe(9);
      expect(after[0]).toMatchObject({ details_json: '{"revision":1}', target: 'c-1', action: 'faq.approve' });
    });

    it("never shows one commune's lines to another", async () => {
      const s = await open();
      await s.log.record({ actorId: 'lan', action: 'staff.login' });
      await s.other.record({ actorId: 'binh', action: 'population.import', target: 'upload' });
      expect((await s.log.recent(10)).map((l) => l.actorId)).toEqual(['lan']);
      expect((await s.other.recent(10)).map((l) => l.actorId)).toEqual(['binh']);
      expect((await mine(s)).map((r) => r['actor_id'])).toEqual(['lan']);
    });
  });
}
