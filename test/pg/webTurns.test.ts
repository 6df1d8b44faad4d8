/**
 * The web chat's turns on PostgreSQL (channels/web/pgTurns.ts) through the
 * chat itself (createWebChat): the citizen a session stands for is read in
 * the turn's own transaction (a turn that makes the session a citizen
 * rotates it, a turn that does not keeps it), what the engine's citizen
 * store writes commits with the turn, and the take says whether a person
 * owns the conversation, for the answer and for the page's poll.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChat, createWebPending } from '../../src/channels/web/chatApi.js';
import { pgWebTurns } from '../../src/channels/web/pgTurns.js';
import type { Engine } from '../../src/core/conversation/engine.js';
import type { ConversationStateRepo } from '../../src/core/ports.js';
import { PgCitizenRepo } from '../../src/storage/pg/pgCitizenRepo.js';
import { pgMoveWebIdentity } from '../../src/storage/pg/pgWebIdentity.js';
import { PgTurnHandoff } from '../../src/storage/pg/pgTurnHandoff.js';
import { PgTurnRunner } from '../../src/storage/pg/pgTurnRunner.js';
import { PgTurnStateBuffer } from '../../src/storage/pg/pgTurnState.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { withCommune } from '../../src/storage/pg/tenant.js';
import { fixedClock } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

const A = 'xa-a';
const AT = new Date('2026-10-10T03:00:00.000Z');

const noOtherConversation: ConversationStateRepo = {
  get: () => Promise.reject(new Error('no other conversation in these tests')),
  set: () => Promise.reject(new Error('no other conversation in these tests')),
  delete: () => Promise.reject(new Error('no other conversation in these tests')),
};

describe("the web chat's turns on PostgreSQL", () => {
  let t: TestDatabase;
  let db: Kysely<Database>;
  let citizens: PgCitizenRepo;
  let ids = 0;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    db = connect<Database>(t.appUrl, 4);
    await withCommune(db, A, (trx) => trx.insertInto('communes').values({ id: A, name: 'Xã A' }).execute());
    citizens = new PgCitizenRepo(db, A);
  });
  afterAll(async () => {
    await db?.destroy();
    await t?.drop();
  });

  /** The chat over a runner whose engine makes the session a citizen when told "dang ky", and asks for a person on "gap can bo". */
  function chatOver() {
    const state = new PgTurnStateBuffer(noOtherConversation);
    const engine: Engine = {
      handle: async (m) => {
        if (m.text === 'dang ky') {
          await citizens.ensure({ channel: 'web', userId: m.userId }, `cit-${++ids}`, AT);
          return [{ kind: 'answer', text: 'Đã ghi nhận.' }];
        }
        if (m.text === 'gap can bo')
          return [{ kind: 'notice', text: 'Cán bộ sẽ trả lời.', handoff: { reason: 'asked' } }];
        return [{ kind: 'answer', text: 'Xin chào.' }];
      },
      ask: () => Promise.reject(new Error('not used')),
    };
    const turns = new PgTurnRunner({
      db,
      communeId: A,
      engine,
      clock: fixedClock(),
      state,
      handoff: { store: new PgTurnHandoff(A) },
    });
    const web = pgWebTurns({ db, communeId: A, turns });
    let sessions = 0;
    const rotated: string[] = [];
    const chat = createWebChat(web, {
      rotate: async (from, to) => {
        rotated.push(`${from}->${to}`);
        await pgMoveWebIdentity(db, A, from, to);
      },
      newSessionId: () => `s-new-${++sessions}`,
      clock: fixedClock(),
    });
    return { chat, pending: createWebPending(web), rotated };
  }

  it('rotates the session when its turn makes it a citizen, and only then', async () => {
    const { chat, rotated } = chatOver();
    const plain = await chat({ user: 'x', text: 'xin chao' }, { sessionId: 's-1' });
    expect(plain).toMatchObject({ status: 200, sessionId: 's-1', body: { replies: [{ text: 'Xin chào.' }] } });
    expect(rotated).toEqual([]);

    const joined = await chat({ user: 'x', text: 'dang ky' }, { sessionId: 's-1' });
    expect(joined).toMatchObject({ status: 200, sessionId: 's-new-1', body: { replies: [{ text: 'Đã ghi nhận.' }] } });
    expect(rotated).toEqual(['s-1->s-new-1']);
    // The citizen the engine's store made committed with the turn, and followed the session.
    expect(await citizens.findByIdentity({ channel: 'web', userId: 's-new-1' })).toBeDefined();
    expect(await citizens.findByIdentity({ channel: 'web', userId: 's-1' })).toBeUndefined();

    // Already a citizen: the next turn changes nothing, so no rotation.
    const again = await chat({ user: 'x', text: 'dang ky' }, { sessionId: 's-new-1' });
    expect(again).toMatchObject({ status: 200, sessionId: 's-new-1' });
    expect(rotated).toEqual(['s-1->s-new-1']);
  });

  it('says in the answer and in the poll when a person owns the conversation', async () => {
    const { chat, pending } = chatOver();
    const before = await chat({ user: 'x', text: 'xin chao' }, { sessionId: 's-2' });
    expect(before.body).not.toHaveProperty('handoff');
    const asked = await chat({ user: 'x', text: 'gap can bo' }, { sessionId: 's-2' });
    expect(asked.body).toMatchObject({ handoff: true, replies: [{ text: 'Cán bộ sẽ trả lời.' }] });
    expect(await pending('s-2')).toEqual({ replies: [], handoff: true });
    expect(await pending('s-other')).toEqual({ replies: [] });
  });
});
