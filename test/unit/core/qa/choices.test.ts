/**
 * The "did you mean" choices of a "not sure" reply: the closest sections, at
 * most two of one page, so the section that answers a long story question is
 * one tap away even when its page's other section ranks first.
 */
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../../src/core/qa/choose.js';
import { choicesOf } from '../../../../src/core/qa/format.js';
import type { DocumentHit, PassageHit } from '../../../../src/core/ports.js';

function candidate(id: number, docRef: string, heading: string, coverage: number): Candidate {
  const passage: PassageHit = { id, docRef, heading, text: `Đoạn ${id}.`, score: coverage, coverage };
  const doc: DocumentHit = { ref: docRef, title: docRef, score: coverage, best: passage };
  return { passage, doc, fit: 0.5, value: coverage, mismatch: 0 };
}

describe('choicesOf', () => {
  it('offers a second section of the first page before a third page', () => {
    const choices = choicesOf([
      candidate(1, 'ly-lich.md', 'Phiếu lý lịch tư pháp là gì?', 0.44),
      candidate(2, 'ly-lich.md', 'Xin phiếu số 1 hay số 2?', 0.57),
      candidate(3, 'ly-lich.md', 'Xin phiếu ở đâu?', 0.5),
      candidate(4, 'vneid.md', 'Xin phiếu trên VNeID thế nào?', 0.47),
    ]);
    expect(choices.map((c) => c.value)).toEqual(['pg:1', 'pg:2', 'pg:4']);
  });

  it('keeps a long story question’s low-coverage sections and drops what shares almost nothing', () => {
    const choices = choicesOf([
      candidate(1, 'a.md', 'Đổi tên cho con được không?', 0.22),
      candidate(2, 'b.md', 'Trợ cấp mai táng bao nhiêu?', 0.12),
    ]);
    expect(choices.map((c) => c.value)).toEqual(['pg:1']);
  });

  it('shows two chunks of one section as one button, and never more than three', () => {
    const choices = choicesOf([
      candidate(1, 'a.md', 'Khai báo tạm vắng ở đâu?', 0.6),
      candidate(2, 'a.md', 'Khai báo tạm vắng ở đâu?', 0.58),
      candidate(3, 'b.md', 'Ai phải khai báo tạm vắng?', 0.5),
      candidate(4, 'c.md', 'Tạm trú là gì?', 0.45),
      candidate(5, 'd.md', 'Lưu trú là gì?', 0.4),
    ]);
    expect(choices.map((c) => c.value)).toEqual(['pg:1', 'pg:3', 'pg:4']);
    expect(new Set(choices.map((c) => c.label)).size).toBe(3);
  });
});
