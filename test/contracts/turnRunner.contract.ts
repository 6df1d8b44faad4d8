/**
 * What every turn runner (core/stores/turns.ts) must do, whatever its
 * database: run from test/integration/turnsContract.test.ts (SQLite) and
 * test/pg/pgTurnRunner.test.ts (PostgreSQL), each with a harness over its own
 * store. Named *.contract.ts so vitest does not collect it on its own.
 */
import { expect, it } from 'vitest';
import type { Engine } from '../../src/core/conversation/engine.js';
import { ACKNOWLEDGED, OWNED } from '../../src/core/handoff/texts.js';
import type { IncomingMessage, OutgoingReply } from '../../src/core/messages.js';
import type { ConversationState, ConversationStateRepo } from '../../src/core/ports.js';
import type { TurnOutcome } from '../../src/core/stores/turns.js';

/** A turn as the contract writes it; the harness adds its outbox (channel 'telegram') and a plain render. */
export interface ContractTurn {
  readonly claim?: string;
  readonly userId: string;
  readonly message?: IncomingMessage;
  readonly replies?: readonly OutgoingReply[];
  readonly onError?: (err: unknown) => readonly OutgoingReply[];
  /** A write of the channel's own, inside the turn's commit. */
  readonly alongside?: () => void;
}

export type EngineOver = (state: ConversationStateRepo) => Engine;

export interface TurnHarness {
  /** Runs a turn with an engine made over the conversation store the runner gives engines. */
  run(turn: ContractTurn, engine: EngineOver): Promise<TurnOutcome>;
  /** Texts of the resident's pending outbox rows, oldest first. */
  pendingTexts(userId: string): Promise<string[]>;
  state(userId: string): Promise<ConversationState | undefined>;
  claims(claim: string): Promise<number>;
  /** Opens a handoff thread for the resident (staff took it over); its id. */
  openThread(userId: string): Promise<number>;
  openThreadOf(userId: string): Promise<number | undefined>;
  /** The thread's messages: author and text, in order. */
  threadMessages(threadId: number): Promise<string[]>;
}

/** An engine that counts the resident's messages in their state and answers with the count. */
export const counting: EngineOver = (state) => ({
  async handle(m) {
    const before = await state.get(m);
    const n = (typeof before?.n === 'number' ? before.n : 0) + 1;
    await state.set(m, { ...before, n }, new Date('2026-12-01T08:00:00.000Z'));
    return [{ kind: 'answer', text: `#${n} ${m.text ?? m.choice ?? ''}` }];
  },
  ask: () => Promise.reject(new Error('unused')),
});

/** An engine that saves a state and then fails. */
export const failing: EngineOver = (state) => ({
  async handle(m) {
    await state.set(m, { n: 99 }, new Date('2026-12-01T08:00:00.000Z'));
    throw new Error('boom');
  },
  ask: () => Promise.reject(new Error('unused')),
});

/** An engine that hands the conversation to a person. */
export const handingOver: EngineOver = () => ({
  handle: () => Promise.resolve([{ kind: 'answer', text: 'Em chuyển cho cán bộ xã.', handoff: { reason: 'asked' } }]),
  ask: () => Promise.reject(new Error('unused')),
});

export const text = (userId: string, t: string): IncomingMessage => ({ channel: 'telegram', userId, text: t });

/** Registers the contract's cases (call inside a describe, after the harness is set up). */
export function turnRunnerContract(harness: () => TurnHarness): void {
  it('commits the state, the claim and the replies together, and a claimed message is a duplicate', async () => {
    const h = harness();
    const first = await h.run({ claim: 'telegram:1', userId: 'c1', message: text('c1', 'chào') }, counting);
    expect(first).toMatchObject({ duplicate: false, replies: [{ text: '#1 chào' }] });
    expect(first.duplicate ? [] : first.queued).toHaveLength(1);
    expect(await h.state('c1')).toEqual({ n: 1 });
    expect(await h.claims('telegram:1')).toBe(1);
    expect(await h.pendingTexts('c1')).toEqual(['#1 chào']);
    expect(await h.run({ claim: 'telegram:1', userId: 'c1', message: text('c1', 'chào') }, counting)).toEqual({
      duplicate: true,
    });
    expect(await h.state('c1')).toEqual({ n: 1 });
    expect(await h.pendingTexts('c1')).toEqual(['#1 chào']);
  });

  it('runs two deliveries of one message at once only once', async () => {
    const h = harness();
    const turn = { claim: 'telegram:2', userId: 'c2', message: text('c2', 'a') };
    const [a, b] = await Promise.all([h.run(turn, counting), h.run(turn, counting)]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(await h.pendingTexts('c2')).toEqual(['#1 a']);
  });

  it('queues the apology when the engine fails, and keeps nothing the engine saved', async () => {
    const h = harness();
    await h.run({ userId: 'c3', message: text('c3', 'một') }, counting);
    const outcome = await h.run(
      {
        claim: 'telegram:3',
        userId: 'c3',
        message: text('c3', 'hai'),
        onError: () => [{ kind: 'error', text: 'Xin lỗi bà con.' }],
      },
      failing,
    );
    expect(outcome.duplicate ? [] : outcome.replies.map((r) => r.text)).toEqual(['Xin lỗi bà con.']);
    expect(await h.pendingTexts('c3')).toEqual(['#1 một', 'Xin lỗi bà con.']);
    expect(await h.state('c3')).toEqual({ n: 1 });
    expect(await h.claims('telegram:3')).toBe(1);
  });

  it('claims nothing when the engine fails without an apology, so a redelivery runs the turn', async () => {
    const h = harness();
    await expect(h.run({ claim: 'telegram:4', userId: 'c4', message: text('c4', 'x') }, failing)).rejects.toThrow(
      'boom',
    );
    expect(await h.claims('telegram:4')).toBe(0);
    expect(await h.state('c4')).toBeUndefined();
    const again = await h.run({ claim: 'telegram:4', userId: 'c4', message: text('c4', 'x') }, counting);
    expect(again.duplicate).toBe(false);
    expect(await h.pendingTexts('c4')).toEqual(['#1 x']);
  });

  it("queues the channel's own replies without an engine, with its writes in the same commit", async () => {
    const h = harness();
    let wrote = 0;
    const outcome = await h.run(
      {
        claim: 'telegram:5',
        userId: 'c5',
        replies: [{ kind: 'notice', text: 'Bà con vui lòng gõ chữ.' }],
        alongside: () => {
          wrote++;
        },
      },
      counting,
    );
    expect(outcome.duplicate).toBe(false);
    expect(wrote).toBe(1);
    expect(await h.pendingTexts('c5')).toEqual(['Bà con vui lòng gõ chữ.']);
    expect(await h.state('c5')).toBeUndefined();
  });

  it('rolls the turn back when the channel’s own write throws', async () => {
    const h = harness();
    const failingWrite = (): void => {
      throw new Error('write failed');
    };
    await expect(
      h.run({ claim: 'telegram:6', userId: 'c6', message: text('c6', 'x'), alongside: failingWrite }, counting),
    ).rejects.toThrow('write failed');
    expect(await h.claims('telegram:6')).toBe(0);
    expect(await h.pendingTexts('c6')).toEqual([]);
  });

  it('sends an owned conversation to its thread: no engine, one acknowledgement, then silence', async () => {
    const h = harness();
    const thread = await h.openThread('c7');
    const first = await h.run({ claim: 'telegram:7', userId: 'c7', message: text('c7', 'Tôi cần hỏi') }, counting);
    const second = await h.run({ claim: 'telegram:8', userId: 'c7', message: text('c7', 'Còn nữa') }, counting);
    const press = await h.run(
      { userId: 'c7', message: { channel: 'telegram', userId: 'c7', choice: 'menu:start' } },
      counting,
    );
    expect(first.duplicate ? [] : first.replies.map((r) => r.text)).toEqual([ACKNOWLEDGED]);
    expect(second.duplicate ? [] : second.replies).toEqual([]);
    expect(press.duplicate ? [] : press.replies.map((r) => r.text)).toEqual([OWNED]);
    expect(await h.threadMessages(thread)).toEqual(['resident: Tôi cần hỏi', 'resident: Còn nữa']);
    expect(await h.state('c7')).toBeUndefined();
    expect(await h.pendingTexts('c7')).toEqual([ACKNOWLEDGED, OWNED]);
  });

  it('gives the message to a thread opened while the engine was answering, and drops the answer', async () => {
    const h = harness();
    let open: Promise<number> | undefined;
    const slow: EngineOver = (state) => ({
      async handle(m) {
        open = h.openThread('c8');
        await open;
        return counting(state).handle(m);
      },
      ask: () => Promise.reject(new Error('unused')),
    });
    const outcome = await h.run({ userId: 'c8', message: text('c8', 'Xin hỏi') }, slow);
    const thread = await open!;
    expect(outcome.duplicate ? [] : outcome.replies.map((r) => r.text)).toEqual([ACKNOWLEDGED]);
    expect(await h.threadMessages(thread)).toEqual(['resident: Xin hỏi']);
    expect(await h.state('c8')).toBeUndefined();
  });

  it('opens the thread a reply asks for, in the commit that queues the reply', async () => {
    const h = harness();
    const outcome = await h.run({ userId: 'c9', message: text('c9', 'Gặp cán bộ') }, handingOver);
    expect(outcome.duplicate ? [] : outcome.replies.map((r) => r.handoff?.reason)).toEqual(['asked']);
    expect(await h.openThreadOf('c9')).toBeTypeOf('number');
    expect(await h.pendingTexts('c9')).toEqual(['Em chuyển cho cán bộ xã.']);
  });
}
