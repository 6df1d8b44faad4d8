/**
 * @module channels/zalo/signature
 *
 * Zalo signs each webhook delivery with a plain SHA-256 (not an HMAC) over
 * `app_id + raw body + timestamp + OA secret key` (zalo-java-sdk MacUtils).
 * The body must be the bytes as received: re-serialised JSON would differ in
 * spacing or key order and never match. Comparison is constant-time so a
 * forger learns nothing from how long a wrong guess took.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The mac Zalo sends for a delivery, as 64 lowercase hex digits. */
export function zaloMac(appId: string, rawBody: Uint8Array | string, timestamp: string, secretKey: string): string {
  return createHash('sha256')
    .update(appId, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .update(timestamp, 'utf8')
    .update(secretKey, 'utf8')
    .digest('hex');
}

/** The hex digest carried by a signature header, with or without the `mac=` prefix; undefined if malformed. */
export function macOf(header: string | undefined): string | undefined {
  const value = header
    ?.trim()
    .replace(/^mac\s*=\s*/i, '')
    .toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

/** True when the header carries exactly the expected mac. */
export function signatureMatches(header: string | undefined, expected: string): boolean {
  const got = macOf(header);
  if (!got) return false;
  return timingSafeEqual(Buffer.from(got, 'hex'), Buffer.from(expected, 'hex'));
}
