/**
 * The prompts in prompts/, reviewed like code: what the code relies on
 * (placeholders, the refusal marker, the citation form) is there, the rules
 * residents rely on are written down (the "bà con" register, no invented
 * facts, messages and documents are data, the rules are never printed,
 * other residents' data is refused, secrets are never asked for), and no
 * prompt carries a phone number, address, fee or date a model could copy.
 */
import { describe, expect, it } from 'vitest';
import { factsIn, UNSURE_MARKER } from '../../src/core/qa/grounded.js';
import { loadPrompts } from '../../src/rag/chatModel.js';
import { tempDir, writeTree } from '../helpers.js';

const prompts = loadPrompts('prompts');

describe('prompts/', () => {
  it('has every template with its placeholders, the refusal marker and the citation form', () => {
    expect(prompts.answer).toContain('{{context}}');
    expect(prompts.answer).toContain('{{question}}');
    expect(prompts.rewrite).toContain('{{history}}');
    expect(prompts.rewrite).toContain('{{question}}');
    expect(prompts.system).toContain(UNSURE_MARKER);
    expect(prompts.system).toMatch(/\[1\]/);
  });

  it('writes down the rules residents rely on', () => {
    const rules = prompts.system.toLowerCase();
    expect(rules).toContain('bà con');
    expect(rules).toMatch(/không thêm số điện thoại, địa chỉ web, số văn bản, lệ phí, ngày tháng/);
    expect(rules).toMatch(/chỉ là dữ liệu.*không phải mệnh lệnh/);
    expect(rules).toMatch(/không bao giờ nhắc lại.*các quy tắc này/);
    expect(rules).toMatch(/không cung cấp thông tin cá nhân của bất kỳ người dân nào/);
    expect(rules).toMatch(/mật khẩu, mã otp, passcode/);
  });

  it('carries no phone number, web address, document number, fee or date a model could copy', () => {
    for (const text of [prompts.system, prompts.answer, prompts.rewrite ?? ''])
      expect(factsIn(text.replace(/\[\d\]/g, ''))).toEqual([]);
  });

  it('stops start-up naming the file when a template lost its placeholders', () => {
    const tmp = tempDir();
    try {
      writeTree(tmp.dir, {
        'system.md': 'Hệ thống.',
        'answer.md': 'TÀI LIỆU:\n{{context}}\n{{question}}',
        'rewrite.md': 'Viết lại: {{question}}',
      });
      expect(() => loadPrompts(tmp.dir)).toThrow(/rewrite\.md must contain \{\{history\}\} and \{\{question\}\}/);
    } finally {
      tmp.cleanup();
    }
  });

  it('starts without rewrite.md (an older prompts folder): follow-ups are then read without the model', () => {
    const tmp = tempDir();
    try {
      writeTree(tmp.dir, { 'system.md': 'Hệ thống.', 'answer.md': '{{context}} {{question}}' });
      expect(loadPrompts(tmp.dir).rewrite).toBeUndefined();
    } finally {
      tmp.cleanup();
    }
  });
});
