import { describe, expect, it } from 'vitest';
import { MAX_STAFF_REPLY_CHARS } from '../../../src/core/handoff/service.js';
import { MAX_HANDOFF_TEXT, NoteSchema, ReplySchema } from '../../../src/staff/handoffSchemas.js';

describe('a staff reply or note: the form takes exactly what the handoff service sends', () => {
  it('has the service limit', () => {
    expect(MAX_HANDOFF_TEXT).toBe(MAX_STAFF_REPLY_CHARS);
  });

  it('counts characters, so a reply full of emoji is not refused at half the limit', () => {
    const emoji = '👍'.repeat(1_500); // 3,000 UTF-16 units, 1,500 characters
    expect(ReplySchema.safeParse({ text: emoji }).success).toBe(true);
    expect(NoteSchema.safeParse({ text: emoji }).success).toBe(true);
  });

  it('refuses one character over the limit, in Vietnamese', () => {
    const long = 'a'.repeat(MAX_HANDOFF_TEXT + 1);
    const reply = ReplySchema.safeParse({ text: long });
    expect(reply.success).toBe(false);
    expect(reply.error?.issues[0]?.message).toBe(`Tin nhắn quá dài (tối đa ${MAX_HANDOFF_TEXT} ký tự).`);
    expect(NoteSchema.safeParse({ text: long }).error?.issues[0]?.message).toBe(
      `Ghi chú quá dài (tối đa ${MAX_HANDOFF_TEXT} ký tự).`,
    );
    expect(ReplySchema.safeParse({ text: 'a'.repeat(MAX_HANDOFF_TEXT) }).success).toBe(true);
  });
});
