/**
 * The web session cookie, property-based (fast-check): a cookie the server
 * sealed proves its id and nothing else; any edit of it (a character
 * changed, cut, added, the MAC of one id put on another, a cookie sealed
 * under another key, random text) proves either nothing or, never, another
 * identity. Ids are fresh random values of 144 bits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebSessions, sessionCookieOptions } from '../../../../src/channels/web/session.js';

const sessions = createWebSessions('k'.repeat(32) + '-test-key-for-properties');
const other = createWebSessions('a different key that is long enough!!');
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A sealed cookie for a random id (ids drawn by fast-check so shrinking works, in the real id format). */
const idArb = fc.string({ unit: fc.constantFrom(...B64URL), minLength: 24, maxLength: 24 });

describe('web session cookie', () => {
  it('issues 144-bit random ids that its own seal proves', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => sessions.issue()));
    expect(ids.size).toBe(2000);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(sessions.verify(sessions.seal(id))).toBe(id);
    }
  });

  it('a tampered cookie never proves another identity', () => {
    fc.assert(
      fc.property(
        idArb,
        fc.nat(),
        fc.constantFrom(...B64URL, '.', '=', '%', ' '),
        fc.constantFrom('replace', 'insert', 'delete'),
        (id, at, ch, how) => {
          const sealed = sessions.seal(id);
          const i = at % sealed.length;
          const edited =
            how === 'replace'
              ? sealed.slice(0, i) + ch + sealed.slice(i + 1)
              : how === 'insert'
                ? sealed.slice(0, i) + ch + sealed.slice(i)
                : sealed.slice(0, i) + sealed.slice(i + 1);
          const proved = sessions.verify(edited);
          // Either the edit changed nothing (the same character put back) or it proves nobody.
          return edited === sealed ? proved === id : proved === undefined;
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("one id's MAC on another id, or a cookie sealed under another key, proves nothing", () => {
    fc.assert(
      fc.property(idArb, idArb, (a, b) => {
        fc.pre(a !== b);
        const macOfA = sessions.seal(a).split('.')[1] ?? '';
        return sessions.verify(`${b}.${macOfA}`) === undefined && sessions.verify(other.seal(a)) === undefined;
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary text proves nothing, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => sessions.verify(text) === undefined),
      { numRuns: 5000 },
    );
    expect(sessions.verify(undefined)).toBeUndefined();
    expect(sessions.verify('')).toBeUndefined();
    expect(sessions.verify('.')).toBeUndefined();
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createWebSessions('short')).toThrow(RangeError);
  });

  it('asks for an HttpOnly, SameSite=Lax cookie, Secure only when asked', () => {
    expect(sessionCookieOptions(false)).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    expect(sessionCookieOptions(true).secure).toBe(true);
  });
});
