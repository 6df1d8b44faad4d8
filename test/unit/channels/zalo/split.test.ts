/**
 * Long answers are cut at Zalo's 2,000-character limit where a reader pauses:
 * a blank line first, then a line end, a sentence end, a space.
 */
import { describe, expect, it } from 'vitest';
import { splitText } from '../../../../src/channels/zalo/split.js';

const sentence = (n: number): string => `Câu số ${n} nói về cách dùng VNeID an toàn cho bà con trong xã.`;

describe('splitText', () => {
  it('leaves a short text whole', () => {
    expect(splitText('Xin chào bà con!', 2000)).toEqual(['Xin chào bà con!']);
  });

  it('cuts a long text on sentence boundaries, every part within the limit', () => {
    const text = Array.from({ length: 80 }, (_, i) => sentence(i + 1)).join(' ');
    expect(text.length).toBeGreaterThan(4000);
    const parts = splitText(text, 2000);
    expect(parts.length).toBe(3);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p).toMatch(/^Câu số \d+/);
      expect(p).toMatch(/xã\.$/);
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('prefers a paragraph break to a sentence end', () => {
    const first = Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ');
    const second = Array.from({ length: 20 }, (_, i) => sentence(i + 100)).join(' ');
    const parts = splitText(`${first}\n\n${second}`, 2000);
    expect(parts).toEqual([first, second]);
  });

  it('cuts an unbroken run at the limit and never splits an emoji', () => {
    const parts = splitText(`${'a'.repeat(1999)}😀${'b'.repeat(10)}`, 2000);
    expect(parts[0]).toBe('a'.repeat(1999));
    expect(parts[1]).toBe(`😀${'b'.repeat(10)}`);
  });
});
