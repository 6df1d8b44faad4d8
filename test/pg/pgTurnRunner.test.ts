/**
 * The PostgreSQL turn runner (storage/pg/pgTurnRunner.ts): the turn contract
 * the SQLite runner keeps too, then what two processes sharing one database
 * need. Two pools stand for two processes; both connect as the app role, so
 * row-level security applies as in an install.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACKNOWLEDGED } from '../../src/core/handoff/texts.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import type { ConversationState, ConversationStateRepo } from '../../src/core/ports.js';
import { kyselyOver } from '../../src/storage/pg/db.js';
import { createPgPool } from '../../src/storage/pg/pool.js';
import { PgTurnHandoff } from '../../src/storage/pg/pgTurnHandoff.js';
import { PgTurnRunner } from '../../src/storage/pg/pgTurnRunner.js';
import { PgTurnStateBuffer } from '../../src/storage/pg/pgTurnState.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import {
  counting,
  text,
  type EngineOver,
  type TurnHarness,
  turnRunnerContract,
} from '../contracts/turnRunner.contract.js';
import { fixedClock } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const B = 'xa-b';
const OUTBOX = { channel: 'telegram' } as const;
const render = (replies: readonly OutgoingReply[]): readonly OutgoingReply[] => replies;

/** The engine's store for conversations other than the turn's own: no case here reaches it. */
const noOtherConversation: ConversationStateRepo = {
  get: () => Promise.reject(new Error('no other conversation in these tests')),
  set: () => Promise.reject(new Error('no other conversation in these tests')),
  delete: () => Promise.reject(new Error('no other conversation in these tests')),
};

/** A runner over `db` for `commune` (each process has its own runner and buffer). */
function runnerOver(db: Kysely<Database>, commune: string, over: EngineOver, maxTurns?: number): PgTurnRunner {
  const state = new PgTurnStateBuffer(noOtherConversation);
  return new PgTurnRunner({
    db,
    communeId: commune,
    engine: over(state),
    clock: fixedClock(),
    state,
    handoff: { store: new PgTurnHandoff(commune) },
    ...(maxTurns !== undefined && { maxTurns }),
  });
}

/**
 * `count` Telegram turns sent alternately to two runners (two processes), all at once: turn i has
 * update id `firstUpdate + i`, comes from `userOf(i)` and says `m<i>`.
 */
function turnsOverTwo(
  runners: readonly PgTurnRunner[],
  count: number,
  firstUpdate: number,
  userOf: (i: number) => string,
): Promise<Awaited<ReturnType<PgTurnRunner['run']>>[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      runners[i % 2]!.run({
        claim: `telegram:${firstUpdate + i}`,
        userId: userOf(i),
        message: text(userOf(i), `m${i}`),
        outbox: OUTBOX,
        render,
      }),
    ),
  );
}

/** The counting engine, with how many messages it answered (0 when every turn went to a thread). */
function countingAnswers(): { engine: EngineOver; answered: () => number } {
  let n = 0;
  const engine: EngineOver = (state) => ({
    handle(m) {
      n++;
      return counting(state).handle(m);
    },
    ask: () => Promise.reject(new Error('unused')),
  });
  return { engine, answered: () => n };
}

function pendingTexts(db: Kysely<Database>, commune: string, userId: string): Promise<string[]> {
  return withCommune(db, commune, async (trx) => {
    const rows = await trx
      .selectFrom('outbox')
      .select('payload_json')
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .orderBy('id')
      .execute();
    return rows.map((r) => (JSON.parse(r.payload_json ?? 'null') as OutgoingReply).text);
  });
}

function threadTexts(db: Kysely<Database>, commune: string, userId: string): Promise<string[]> {
  return withCommune(db, commune, async (trx) => {
    const rows = await trx
      .selectFrom('handoff_messages as m')
      .innerJoin('handoff_threads as t', 't.id', 'm.thread_id')
      .select('m.text')
      .where('t.user_id', '=', userId)
      .where('t.status', '=', 'open')
      .orderBy('m.id')
      .execute();
    return rows.map((r) => r.text);
  });
}

function stateOf(db: Kysely<Database>, commune: string, userId: string): Promise<ConversationState | undefined> {
  return withCommune(db, commune, async (trx) => {
    const r = await trx
      .selectFrom('conversation_state')
      .select('state_json')
      .where('channel', '=', 'telegram')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r ? (JSON.parse(r.state_json) as ConversationState) : undefined;
  });
}

/** Resolves once some backend waits on a lock another holds (a turn waiting for a turn). */
async function someoneWaits(db: Kysely<Database>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('nobody waited on a lock');
}

describe('the PostgreSQL turn runner', () => {
  let t: TestDatabase;
  let one: Kysely<Database>;
  let two: Kysely<Database>;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    one = connect<Database>(t.appUrl, 6);
    two = connect<Database>(t.appUrl, 6);
    for (const commune of [A, B]) {
      await withCommune(one, commune, (trx) =>
        trx
          .insertInto('communes')
          .values({ id: commune, name: `Xã ${commune}` })
          .execute(),
      );
    }
  });
  afterAll(async () => {
    await one?.destroy();
    await two?.destroy();
    await t?.drop();
  });

  describe('keeps the turn contract', () => {
    const runners = new Map<EngineOver, PgTurnRunner>();
    const handoff = new PgTurnHandoff(A);
    turnRunnerContract(
      () =>
        ({
          run: (turn, over) => {
            let runner = runners.get(over);
            if (!runner) runners.set(over, (runner = runnerOver(one, A, over)));
            return runner.run({ ...turn, outbox: OUTBOX, render });
          },
          pendingTexts: (userId) => pendingTexts(one, A, userId),
          state: (userId) => stateOf(one, A, userId),
          claims: (claim) =>
            withCommune(one, A, async (trx) => {
              const rows = await trx
                .selectFrom('turn_claims')
                .select('claim_key')
                .where('claim_key', '=', claim)
                .execute();
              return rows.length;
            }),
          openThread: (userId) =>
            withCommune(two, A, async (trx) => {
              const thread = await handoff.open(trx, { channel: 'telegram', userId, reason: 'asked', at: new Date() });
              return thread.id;
            }),
          openThreadOf: (userId) =>
            withCommune(one, A, async (trx) => (await handoff.openThreadOf(trx, 'telegram', userId))?.id),
          threadMessages: (id) =>
            withCommune(one, A, async (trx) => {
              const rows = await trx
                .selectFrom('handoff_messages')
                .select(['author', 'text'])
                .where('thread_id', '=', id)
                .orderBy('id')
                .execute();
              return rows.map((m) => `${m.author}: ${m.text}`);
            }),
        }) satisfies TurnHarness,
    );
  });

  it('answers a redelivered update once when two processes run it at once; the second waits for the first', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated: EngineOver = (state) => ({
      async handle(m) {
        calls++;
        await gate;
        return counting(state).handle(m);
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    const turn = { claim: 'telegram:900', userId: 'dup', message: text('dup', 'chào'), outbox: OUTBOX, render };
    const first = runnerOver(one, A, gated).run(turn);
    // The first holds the claim's row inside its open transaction; the second process's insert waits on it.
    while (calls === 0) await new Promise((r) => setTimeout(r, 5));
    const second = runnerOver(two, A, gated).run(turn);
    await someoneWaits(one);
    release();
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map((o) => o.duplicate)).toEqual([false, true]);
    expect(calls).toBe(1);
    expect(await pendingTexts(one, A, 'dup')).toEqual(['#1 chào']);
  });

  it('commits 50 turns of one resident from two processes in order, losing no state update', async () => {
    // Each turn waits a little inside the engine, so the turns overlap unless the lock serialises them.
    const jittery: EngineOver = (state) => ({
      async handle(m) {
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
        return counting(state).handle(m);
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    const runners = [runnerOver(one, A, jittery), runnerOver(two, A, jittery)];
    const started = performance.now();
    const outcomes = await turnsOverTwo(runners, 50, 1000, () => 'busy');
    const ms = performance.now() - started;
    console.info(
      `50 turns of one resident over 2 pools: ${ms.toFixed(0)} ms (${((50 * 1000) / ms).toFixed(0)} turns/s)`,
    );
    expect(outcomes.every((o) => !o.duplicate)).toBe(true);
    expect(await stateOf(one, A, 'busy')).toEqual({ n: 50 });
    const rows = await pendingTexts(one, A, 'busy');
    // In id order the counts run 1..50: each turn read what the one before it committed.
    expect(rows.map((r) => Number(/^#(\d+) /.exec(r)?.[1]))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.split(' ')[1])).size).toBe(50);
  });

  it('runs 200 turns of 50 residents from two processes, each committed once with its own state', async () => {
    const runners = [runnerOver(one, A, counting), runnerOver(two, A, counting)];
    const started = performance.now();
    const outcomes = await turnsOverTwo(runners, 200, 3000, (i) => `many${i % 50}`);
    const ms = performance.now() - started;
    console.info(
      `200 turns of 50 residents over 2 pools: ${ms.toFixed(0)} ms (${((200 * 1000) / ms).toFixed(0)} turns/s)`,
    );
    expect(outcomes.every((o) => !o.duplicate)).toBe(true);
    for (const u of [0, 17, 49]) {
      expect(await stateOf(one, A, `many${u}`)).toEqual({ n: 4 });
      expect((await pendingTexts(two, A, `many${u}`)).map((r) => r.split(' ')[0])).toEqual(['#1', '#2', '#3', '#4']);
    }
  });

  it('runs turns of different residents side by side (the lock is per conversation)', async () => {
    let inside = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const together: EngineOver = (state) => ({
      async handle(m) {
        inside++;
        most = Math.max(most, inside);
        if (inside === 2) release();
        await gate;
        inside--;
        return counting(state).handle(m);
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    await Promise.all([
      runnerOver(one, A, together).run({ userId: 'r1', message: text('r1', 'a'), outbox: OUTBOX, render }),
      runnerOver(two, A, together).run({ userId: 'r2', message: text('r2', 'b'), outbox: OUTBOX, render }),
    ]);
    expect(most).toBe(2);
  });

  it('holds no more transactions at once than maxTurns, so the pool keeps connections for the engine', async () => {
    let inside = 0;
    let most = 0;
    const busy: EngineOver = (state) => ({
      async handle(m) {
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        return counting(state).handle(m);
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    const runner = runnerOver(one, A, busy, 2);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        runner.run({ userId: `slot${i}`, message: text(`slot${i}`, 'x'), outbox: OUTBOX, render }),
      ),
    );
    expect(outcomes.every((o) => !o.duplicate)).toBe(true);
    expect(most).toBe(2);
  });

  it('keeps nothing of a turn whose process died in the middle; the redelivery waiting on its claim runs instead', async () => {
    const doomed = kyselyOver<Database>(createPgPool(t.appUrl, { max: 2, applicationName: 'hocvuso-doomed' }));
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stuck: EngineOver = (state) => ({
      async handle(m) {
        inside();
        await gate;
        return counting(state).handle(m);
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    const turn = { claim: 'telegram:8000', userId: 'crash', message: text('crash', 'x'), outbox: OUTBOX, render };
    const dying = runnerOver(doomed, A, stuck).run(turn);
    await entered;
    const other = runnerOver(two, A, counting).run(turn);
    await someoneWaits(one);
    // The process dies: its connection goes, and PostgreSQL rolls its open transaction back.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'hocvuso-doomed'`.execute(one);
    expect(await other).toMatchObject({ duplicate: false, replies: [{ text: '#1 x' }] });
    release();
    await expect(dying).rejects.toThrow();
    await doomed.destroy();
    expect(await pendingTexts(one, A, 'crash')).toEqual(['#1 x']);
    expect(await stateOf(one, A, 'crash')).toEqual({ n: 1 });
  });

  it('gives the message to a thread the turn it waited for opened: the read after the engine sees it', async () => {
    // A state row, so the second turn waits in the lock's statement (its snapshot older than the thread).
    await runnerOver(one, A, counting).run({ userId: 'waited', message: text('waited', 'a'), outbox: OUTBOX, render });
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handingOverLate: EngineOver = () => ({
      async handle() {
        entered();
        await gate;
        return [{ kind: 'answer', text: 'Em chuyển cho cán bộ xã.', handoff: { reason: 'asked' } }];
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    const { engine: answering, answered } = countingAnswers();
    const first = runnerOver(one, A, handingOverLate).run({
      userId: 'waited',
      message: text('waited', 'Gặp cán bộ'),
      outbox: OUTBOX,
      render,
    });
    await inside;
    const second = runnerOver(two, A, answering).run({
      userId: 'waited',
      message: text('waited', 'Còn đây'),
      outbox: OUTBOX,
      render,
    });
    await someoneWaits(one);
    release();
    const [, b] = await Promise.all([first, second]);
    // The lock's read could not see the thread (the engine ran); the read after it did.
    expect(answered()).toBe(1);
    expect(b.duplicate ? [] : b.replies.map((r) => r.text)).toEqual([ACKNOWLEDGED]);
    expect(await threadTexts(one, A, 'waited')).toEqual(['Còn đây']);
    expect(await pendingTexts(one, A, 'waited')).toEqual(['#1 a', 'Em chuyển cho cán bộ xã.', ACKNOWLEDGED]);
    expect(await stateOf(one, A, 'waited')).toEqual({ n: 1 });
  });

  it("puts a resident's messages from two processes at once into their open thread, without the engine", async () => {
    await runnerOver(one, A, counting).run({ userId: 'owned', message: text('owned', 'a'), outbox: OUTBOX, render });
    await withCommune(two, A, (trx) =>
      new PgTurnHandoff(A).open(trx, { channel: 'telegram', userId: 'owned', reason: 'asked', at: new Date() }),
    );
    const { engine: answering, answered } = countingAnswers();
    const runners = [runnerOver(one, A, answering), runnerOver(two, A, answering)];
    // Each turn locks the conversation, then the thread it appends to: none waits on the other in reverse.
    const outcomes = await turnsOverTwo(runners, 20, 9000, () => 'owned');
    expect(answered()).toBe(0);
    expect(outcomes.flatMap((o) => (o.duplicate ? ['duplicate'] : o.replies.map((r) => r.text)))).toEqual([
      ACKNOWLEDGED,
    ]);
    expect((await threadTexts(one, A, 'owned')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    expect(await stateOf(one, A, 'owned')).toEqual({ n: 1 });
  });

  it('keeps communes apart: the same update id in two communes is two turns, and each sees only its rows', async () => {
    const a = await runnerOver(one, A, counting).run({
      claim: 'telegram:7000',
      userId: 'same',
      message: text('same', 'A'),
      outbox: OUTBOX,
      render,
    });
    const b = await runnerOver(two, B, counting).run({
      claim: 'telegram:7000',
      userId: 'same',
      message: text('same', 'B'),
      outbox: OUTBOX,
      render,
    });
    expect([a.duplicate, b.duplicate]).toEqual([false, false]);
    expect(await pendingTexts(one, A, 'same')).toEqual(['#1 A']);
    expect(await pendingTexts(one, B, 'same')).toEqual(['#1 B']);
    expect(await stateOf(two, B, 'same')).toEqual({ n: 1 });
  });
});
