/**
 * The webhook signature as Zalo computes it (zalo-java-sdk MacUtils): plain
 * SHA-256 hex over app_id + raw body + timestamp + OA secret key. Both test
 * vectors from the facts must match byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { macOf, signatureMatches, zaloMac } from '../../../../src/channels/zalo/signature.js';

const UTF8_BODY =
  '{"app_id":"1234567890123456789","sender":{"id":"2468458835296197922"},' +
  '"user_id_by_app":"5521772797175877301","recipient":{"id":"388613280878808645"},' +
  '"event_name":"user_send_text","message":{"text":"Xin chào","msg_id":"96d3cdf3af150460909"},' +
  '"timestamp":"1718000000000"}';
const UTF8_MAC = '0946b33d6027a3a2d46e4858a95dd80829ee24bf802cfb974aefc75b50247b83';

const ASCII_BODY = '{"app_id":"1","event_name":"follow","timestamp":"1700000000000"}';
const ASCII_MAC = '82b0dddadc4eacd495abe7c6c03ca738e3809a8318b186927770240556dc3a59';

describe('zaloMac', () => {
  it('matches the facts’ Vietnamese (UTF-8) test vector', () => {
    expect(Buffer.byteLength(UTF8_BODY, 'utf8')).toBe(269);
    expect(zaloMac('1234567890123456789', UTF8_BODY, '1718000000000', 'TestOaSecretKey123')).toBe(UTF8_MAC);
  });

  it('matches the facts’ ASCII test vector', () => {
    expect(zaloMac('1', ASCII_BODY, '1700000000000', 's3cret')).toBe(ASCII_MAC);
  });

  it('hashes raw bytes: the same bytes as a Buffer give the same mac, re-serialised JSON does not', () => {
    expect(zaloMac('1', Buffer.from(ASCII_BODY, 'utf8'), '1700000000000', 's3cret')).toBe(ASCII_MAC);
    const reserialised = JSON.stringify(JSON.parse(ASCII_BODY), null, 1);
    expect(zaloMac('1', reserialised, '1700000000000', 's3cret')).not.toBe(ASCII_MAC);
  });

  it('is plain SHA-256 in the documented order, not an HMAC', () => {
    expect(zaloMac('1', ASCII_BODY, '1700000000000', 's3cret')).not.toBe(
      zaloMac('s3cret', ASCII_BODY, '1700000000000', '1'),
    );
  });
});

describe('signatureMatches', () => {
  it('accepts the mac with or without the "mac=" prefix, in any case', () => {
    expect(signatureMatches(`mac=${ASCII_MAC}`, ASCII_MAC)).toBe(true);
    expect(signatureMatches(ASCII_MAC, ASCII_MAC)).toBe(true);
    expect(signatureMatches(` MAC=${ASCII_MAC.toUpperCase()} `, ASCII_MAC)).toBe(true);
  });

  it('refuses a missing, malformed or different signature', () => {
    expect(signatureMatches(undefined, ASCII_MAC)).toBe(false);
    expect(signatureMatches('', ASCII_MAC)).toBe(false);
    expect(signatureMatches('mac=', ASCII_MAC)).toBe(false);
    expect(signatureMatches(`mac=${ASCII_MAC.slice(0, 63)}`, ASCII_MAC)).toBe(false);
    expect(signatureMatches(`mac=${UTF8_MAC}`, ASCII_MAC)).toBe(false);
    expect(macOf('mac=xyz')).toBeUndefined();
  });
});
