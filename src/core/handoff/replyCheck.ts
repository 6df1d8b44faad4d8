/**
 * @module core/handoff/replyCheck
 *
 * What a staff reply must be confirmed twice for (issue 18 item 6): scammers
 * pose as commune staff to ask for an OTP or a password, or send a link to a
 * fake site, and residents are taught that the commune never does. So a reply
 * that asks for one ("mã OTP", "mã xác thực", "mật khẩu", with or without
 * marks) or links outside the allow-list is held until staff confirm it was
 * meant. The allow-list is here and only here.
 */
import type { ReplyCheck } from '../stores/handoff.js';
import { foldMarks } from '../text/normalize.js';

/**
 * Hosts a staff reply may link without a second confirmation: the state's
 * gov.vn (every subdomain: dichvucong.gov.vn, vneid.gov.vn…) and the
 * national trust register.
 */
export const ALLOWED_LINK_HOSTS: readonly string[] = ['gov.vn', 'tinnhiemmang.vn'];

const OTP = /\b(?:ma )?otp\b|\bma xac (?:thuc|nhan)\b/;
const PASSWORD = /\bmat khau\b|\bpassword\b|\bpasscode\b/;
/** A link with a scheme or a "www.", or a bare host with a dot and a known top-level domain. */
const LINK =
  /\b(?:https?:\/\/|www\.)[^\s<>"']+|\b(?:[a-z0-9-]+\.)+(?:vn|com|net|org|info|xyz|top|io|me|cc|link|site|online)\b[^\s<>"']*/giu;

/** The host of a link as written (scheme, credentials, port and path removed), lower case. */
function hostOf(link: string): string {
  const noScheme = link.replace(/^[a-z]+:\/\//i, '');
  const authority = noScheme.split(/[/?#]/, 1)[0] ?? '';
  const afterCredentials = authority.slice(authority.lastIndexOf('@') + 1);
  // The sentence goes on after the host ("dichvucong.gov.vn, chọn…"): only host characters count.
  const host = /^[\p{L}\p{N}.-]+/u.exec(afterCredentials)?.[0] ?? '';
  return host.toLowerCase().replace(/\.+$/, '');
}

export function isAllowedHost(host: string): boolean {
  return ALLOWED_LINK_HOSTS.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
}

/** Links in the text whose host is outside the allow-list. */
export function outsideLinks(text: string): string[] {
  return [...text.matchAll(LINK)].map((m) => m[0]).filter((l) => !isAllowedHost(hostOf(l)));
}

/** Why a staff reply needs a second confirmation (empty: it may go as it is). */
export function replyChecks(text: string): ReplyCheck[] {
  const folded = foldMarks(text);
  const checks: ReplyCheck[] = [];
  if (OTP.test(folded)) checks.push('otp');
  if (PASSWORD.test(folded)) checks.push('password');
  if (outsideLinks(text).length > 0) checks.push('link');
  return checks;
}
