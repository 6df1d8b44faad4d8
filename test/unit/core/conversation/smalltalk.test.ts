import { describe, expect, it } from 'vitest';
import { classifySmalltalk } from '../../../../src/core/conversation/smalltalk.js';

describe('classifySmalltalk', () => {
  it.each(['xin chào', 'Xin chào!', 'chào bạn', 'chao ban', 'hello', 'hi', 'alo ad', 'chào buổi sáng', 'Chào em ạ'])(
    'recognises the greeting %j',
    (text) => {
      expect(classifySmalltalk(text)).toBe('greeting');
    },
  );

  it.each(['cảm ơn bạn', 'cam on nhieu', 'thanks', 'tks ad', 'ok em hiểu rồi', 'ok', 'Cảm ơn bot nhiều nhé'])(
    'recognises thanks in %j',
    (text) => {
      expect(classifySmalltalk(text)).toBe('thanks');
    },
  );

  it.each(['help', '/start', '/menu', 'menu', 'hướng dẫn', 'trợ giúp', 'giúp tôi với', 'bạn là ai', 'bạn làm được gì'])(
    'recognises the call for help %j',
    (text) => {
      expect(classifySmalltalk(text)).toBe('help');
    },
  );

  it.each(['👍', '👍🏽', '👍👍', 'ok 👍', 'oke 👌', '👌', '🙏🙏 🙏', '❤️', '😀😀😀', '👍 cảm ơn'])(
    'takes the friendly %j as thanks',
    (text) => {
      expect(classifySmalltalk(text)).toBe('thanks');
    },
  );

  it.each(['🤔', '😡', '👍👎', '???', '...!!!', '  -- ', 'asdfghjkl'])('treats %j as nonsense', (text) => {
    expect(classifySmalltalk(text)).toBe('nonsense');
  });

  it.each(['How do I register an account?', 'What is the password for my account', 'where can i get help please'])(
    'recognises English in %j',
    (text) => {
      expect(classifySmalltalk(text)).toBe('english');
    },
  );

  it.each([
    'chào bạn, cho hỏi đăng ký vneid ở đâu',
    'chao ban cho hoi dang ky vneid o dau',
    'xin chào, quên mật khẩu vneid thì làm sao',
    'cảm ơn, cho hỏi nộp hồ sơ ở đâu',
    'quên mật khẩu vneid thì làm sao',
    'lam sao dang ky dinh danh muc 2',
    'đăng ký định danh mức 2',
    'thủ tục khai sinh',
    'dvc la gi',
    'app vneid ko dc',
    'vneid',
    'tài khoản bị khóa',
  ])('lets the real question %j through to Q&A', (text) => {
    expect(classifySmalltalk(text)).toBeUndefined();
  });

  it('takes "thôi cảm ơn nhé" as thanks', () => {
    expect(classifySmalltalk('thôi cảm ơn nhé')).toBe('thanks');
  });
});
