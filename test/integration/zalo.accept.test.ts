/**
 * The channel as the handling thread runs it (webhook: false): events come in
 * through `accept` from the thread that answered Zalo, each is recorded in the
 * commune's database and handled once, and every finished key is reported
 * back, including an event handed over again after it was already done
 * (the case of a crash between the inbox file and the commune's file).
 */
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createZaloChannel, type ZaloChannel } from '../../src/channels/zalo/channel.js';
import { classifyEvent } from '../../src/channels/zalo/events.js';
import type { Accepted } from '../../src/channels/zalo/webhook.js';
import type { Services } from '../../src/services.js';
import { followEvent, textEvent, zaloTestConfig } from '../fixtures/zalo.js';
import { fixedClock, memoryLogger, readyServices, tempDir } from '../helpers.js';
import { ACCESS_0, countRows, recordSends, REFRESH_0 } from './zaloHarness.js';

const USER = '6000000000000000001';

function accepted(body: Record<string, unknown>): Accepted {
  const c = classifyEvent(body);
  if (c.action !== 'handle') throw new Error('fixture is not an event to handle');
  return { event: c.event, key: c.key, at: c.at };
}

describe('ZaloChannel.accept (events handed over by the webhook thread)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    nock.cleanAll();
  });

  async function build(): Promise<{ services: Services; channel: ZaloChannel; handled: string[] }> {
    const tmp = tempDir('hocvuso-zalo-accept-');
    const clock = fixedClock();
    const services = await readyServices({ DATABASE_PATH: join(tmp.dir, 'hocvuso.db') }, clock);
    const handled: string[] = [];
    const channel = createZaloChannel({
      config: zaloTestConfig(),
      engine: services.engine,
      db: services.db,
      writes: services.writes,
      communeId: services.config.COMMUNE_ID,
      logger: memoryLogger().logger,
      maxBodyBytes: services.config.MAX_BODY_BYTES,
      clock,
      timers: false,
      retry: { attempts: 1, delaysMs: [0] },
      webhook: false,
      onHandled: (key) => handled.push(key),
    });
    channel.store.saveRefreshed(
      { accessToken: ACCESS_0, refreshToken: REFRESH_0, expiresAt: new Date(clock.now().getTime() + 3_600_000) },
      clock.now(),
    );
    await channel.start();
    cleanups.push(async () => {
      await channel.stop();
      services.close();
      tmp.cleanup();
    });
    return { services, channel, handled };
  }

  it('has no webhook of its own, handles each event once and reports it done', async () => {
    const { sent } = recordSends();
    const { services, channel, handled } = await build();
    expect(channel.webhooks).toBeUndefined();

    const follow = accepted(followEvent(USER, new Date()));
    const hello = accepted(textEvent(USER, '1', new Date(), 'msg-accept-1'));
    channel.accept(follow);
    channel.accept(hello);
    await channel.idle();
    expect(handled).toEqual([follow.key, hello.key]);
    expect(sent.map((m) => m.userId)).toEqual([USER, USER]);
    expect(channel.store.isHandled(hello.key)).toBe(true);
    expect(countRows(services, 'zalo_events')).toBe(2);

    // Handed over again (the inbox never heard it was done): reported done, not answered twice.
    channel.accept(hello);
    await channel.idle();
    expect(handled).toEqual([follow.key, hello.key, hello.key]);
    expect(sent).toHaveLength(2);
  });

  it('handles an event recorded here but not finished before a crash when it is handed over again', async () => {
    const { sent } = recordSends();
    const { channel, handled } = await build();
    const pending = accepted(textEvent(USER, 'xin chào', new Date(), 'msg-accept-2'));
    // Recorded by an earlier run of the thread, which stopped before handling it.
    expect(channel.store.receive(pending.key, USER, JSON.stringify(pending.event), new Date())).toBe(true);

    channel.accept(pending);
    channel.accept(pending);
    await channel.idle();
    expect(handled).toEqual([pending.key]);
    expect(sent).toHaveLength(1);
  });
});
