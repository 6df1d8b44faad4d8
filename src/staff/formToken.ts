/**
 * @module staff/formToken
 *
 * CSRF protection for the two forms sent before anyone is signed in (login,
 * password set-up): the browser gets a random nonce in an HttpOnly cookie,
 * the form carries the HMAC of that nonce, and a post must bring both. A
 * page on another site can neither read the cookie nor compute the token.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { STAFF_BASE_PATH } from './accounts.js';
import { isTokenShaped, randomToken, safeEqual, type StaffSigner } from './signing.js';

export const FORM_COOKIE = 'hocvuso_staff_form';
const FORM_COOKIE_MAX_AGE_S = 2 * 3600;

/** The token for this browser's form, sending a new nonce cookie when it has none. */
export function formTokenFor(c: Context, signer: StaffSigner, secure: boolean): string {
  let nonce = getCookie(c, FORM_COOKIE);
  if (!isTokenShaped(nonce)) {
    nonce = randomToken();
    setCookie(c, FORM_COOKIE, nonce, {
      httpOnly: true,
      sameSite: 'Strict',
      secure,
      path: STAFF_BASE_PATH,
      maxAge: FORM_COOKIE_MAX_AGE_S,
    });
  }
  return signer.formTokenFor(nonce);
}

/** True when the posted `_csrf` matches this browser's nonce cookie. */
export function formTokenValid(c: Context, signer: StaffSigner, given: unknown): boolean {
  const nonce = getCookie(c, FORM_COOKIE);
  if (!isTokenShaped(nonce) || typeof given !== 'string') return false;
  return safeEqual(given, signer.formTokenFor(nonce));
}
