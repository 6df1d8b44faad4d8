/**
 * The Zalo webhook hands a resident's deliveries to the channel in the order
 * they arrived even when their records commit out of order, as PostgreSQL's
 * (one transaction each, on a pool) can: found by zalo.webhook.test.ts on
 * PostgreSQL, where "một, hai, ba" sent at once were once handled "một, ba, hai".
 */
import { describe, expect, it } from 'vitest';
import { zaloWebhookRoute, type Accepted } from '../../src/channels/zalo/webhook.js';
import { signed, textEvent, zaloTestConfig } from '../fixtures/zalo.js';
import { fixedClock, memoryLogger } from '../helpers.js';

describe('zaloWebhookRoute', () => {
  it('dispatches deliveries in arrival order when a later record commits first', async () => {
    const clock = fixedClock();
    const config = zaloTestConfig();
    if (config.ZALO_MODE !== 'oa') throw new Error('an OA config');
    const releases = new Map<string, () => void>();
    const dispatched: string[] = [];
    const route = zaloWebhookRoute({
      config,
      clock,
      logger: memoryLogger().logger,
      maxBodyBytes: 64_000,
      store: {
        // Each record waits until the test commits it.
        receive: (key) => new Promise<boolean>((resolve) => releases.set(key, () => resolve(true))),
        durable: () => Promise.resolve(),
      },
      dispatch: (a: Accepted) => dispatched.push(a.event.kind === 'text' ? a.event.text : a.key),
    });
    const post = (text: string, msgId: string) => {
      const d = signed(textEvent('5550001', text, clock.now(), msgId));
      return Promise.resolve(route.handle(Buffer.from(d.body), (name) => d.headers[name.toLowerCase()]));
    };
    const answers = [post('một', 'o1'), post('hai', 'o2'), post('ba', 'o3')];
    while (releases.size < 3) await new Promise((r) => setImmediate(r));
    // The records commit last first.
    for (const key of ['msg:o3', 'msg:o2', 'msg:o1']) {
      releases.get(key)?.();
      await new Promise((r) => setImmediate(r));
    }
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(dispatched).toEqual(['một', 'hai', 'ba']);
  });
});
