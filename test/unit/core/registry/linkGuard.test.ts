/**
 * Guessing link codes: failures are limited per identity (5 per 10 minutes)
 * and per network address (20 per 10 minutes, whatever identities the
 * guesses come from); once locked, even the right code is refused until the
 * limit refills, and a resident who mistypes a few times is not locked.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../src/core/random.js';
import { createRegistryFeature, LINK_CODE_MINUTES } from '../../../../src/core/registry/feature.js';
import * as T from '../../../../src/core/registry/texts.js';
import type { Identity } from '../../../../src/core/registry/types.js';
import {
  MemoryAttemptRepo,
  MemoryCitizenRepo,
  MemoryConversationRepo,
  MemoryRegistryStore,
} from '../../../../src/storage/memory/index.js';
import { seededRandom } from '../../../fakes/random.js';
import { COMMUNE, TELEGRAM, WEB } from '../../../fixtures/learning.js';
import { fixedClock } from '../../../helpers.js';

function rig() {
  const store = new MemoryRegistryStore();
  const citizens = new MemoryCitizenRepo(store, { coreQuizzes: COMMUNE.coreQuizzes });
  const clock = fixedClock();
  const random = seededRandom(7);
  const registry = createRegistryFeature({
    citizens,
    attempts: new MemoryAttemptRepo(store),
    conversations: new MemoryConversationRepo(),
    commune: COMMUNE,
    random,
    clock,
  });
  const owner = citizens.ensure(WEB, newId(random), clock.now());
  const code = async (): Promise<string> => {
    const out = await registry.onMeChoice(WEB, owner, {}, 'me:link');
    return /Mã liên kết của bà con: ([A-Z0-9]{8})/.exec(out?.replies[0]?.text ?? '')?.[1] ?? '';
  };
  const later = (minutes: number): void => clock.set(new Date(clock.now().getTime() + minutes * 60_000).toISOString());
  return { registry, citizens, code, later };
}

const guesser = (n: number): Identity => ({ channel: 'web', userId: `fresh-cookie-${n}` });

describe('link code guessing', () => {
  it('makes eight-character codes', async () => {
    expect(await rig().code()).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  });

  it('locks an identity after 5 failures, even for the right code, and unlocks as the limit refills', async () => {
    const r = rig();
    const live = await r.code();
    for (let i = 0; i < 5; i++)
      expect(await r.registry.redeem(TELEGRAM, 'ZZZZZZZZ')).toEqual([{ kind: 'personal', text: T.LINK_UNKNOWN }]);
    expect(await r.registry.redeem(TELEGRAM, live)).toEqual([{ kind: 'personal', text: T.LINK_LOCKED }]);
    expect(r.citizens.findByIdentity(TELEGRAM)).toBeUndefined();
    r.later(2); // one failure's worth refilled (5 per 10 minutes)
    expect(await r.registry.redeem(TELEGRAM, live)).toEqual([{ kind: 'personal', text: T.LINKED }]);
  });

  it('locks an address after 20 failures whatever fresh identities they come from', async () => {
    const r = rig();
    const live = await r.code();
    for (let i = 0; i < 20; i++) {
      expect(await r.registry.redeem(guesser(i), 'ZZZZZZZZ', '203.0.113.9')).toEqual([
        { kind: 'personal', text: T.LINK_UNKNOWN },
      ]);
    }
    expect(await r.registry.redeem(guesser(99), live, '203.0.113.9')).toEqual([
      { kind: 'personal', text: T.LINK_LOCKED },
    ]);
    // Another address is not held by this one's guesses.
    expect(await r.registry.redeem(guesser(100), live, '198.51.100.7')).toEqual([{ kind: 'personal', text: T.LINKED }]);
  });

  it('does not count the code made on this same account as a failure', async () => {
    const r = rig();
    const live = await r.code();
    for (let i = 0; i < 10; i++)
      expect(await r.registry.redeem(WEB, live)).toEqual([{ kind: 'personal', text: T.LINK_SAME }]);
    expect(await r.registry.redeem(WEB, 'ZZZZZZZZ')).toEqual([{ kind: 'personal', text: T.LINK_UNKNOWN }]);
    expect(LINK_CODE_MINUTES).toBe(15);
  });
});
