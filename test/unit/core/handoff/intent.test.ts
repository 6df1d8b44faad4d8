/** Asking for a person, as residents type it (issue 18 item 6). */
import { describe, expect, it } from 'vitest';
import { asksForPerson } from '../../../../src/core/handoff/intent.js';

describe('asking for a person', () => {
  it.each([
    'gặp cán bộ',
    'gap can bo',
    'Tôi muốn gặp cán bộ xã',
    'cho tôi hỏi người thật',
    'nói chuyện với người thật',
    'cho tôi nói chuyện với cán bộ',
    '/nguoi',
    'GẶP CÁN BỘ!',
  ])('"%s" asks for a person', (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it.each([
    'cán bộ xã làm việc mấy giờ',
    'gặp cán bộ ở đâu để làm căn cước gắn chip cho con tôi vậy',
    'quên mật khẩu VNeID',
    'người thân của tôi muốn cài VNeID',
  ])('"%s" is a question, not a request', (text) => {
    expect(asksForPerson(text)).toBe(false);
  });
});
