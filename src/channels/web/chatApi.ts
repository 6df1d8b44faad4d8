/**
 * @module channels/web/chatApi
 *
 * The web chat adapter: `POST /api/chat` bodies become `IncomingMessage`s and
 * the engine's replies become the JSON the page renders. Bodies are validated
 * with zod; a malformed body gets a 400 that says what is wrong, in Vietnamese
 * for the page and with a stable `error` code for programs.
 */
import { z } from 'zod';
import type { Engine } from '../../core/conversation/engine.js';
import type { OutgoingReply } from '../../core/messages.js';
import { KeyedSerializer } from '../serializer.js';

export const ChatRequestSchema = z
  .object({
    user: z
      .string({
        error: (issue) =>
          issue.input === undefined ? 'thiếu "user" (mã người dùng, dạng chuỗi)' : '"user" phải là chuỗi ký tự',
      })
      .trim()
      .min(1, '"user" không được để trống')
      .max(128, '"user" dài quá 128 ký tự'),
    text: z.string({ message: '"text" phải là chuỗi' }).max(20_000, '"text" dài quá 20.000 ký tự').optional(),
    choice: z.string({ message: '"choice" phải là chuỗi' }).max(200, '"choice" dài quá 200 ký tự').optional(),
  })
  .strict();

export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export interface ChatResponse {
  readonly replies: readonly {
    text: string;
    buttons?: { label: string; value: string }[];
    sources?: { title: string; ref: string; url?: string }[];
  }[];
}

export function toChatResponse(replies: readonly OutgoingReply[]): ChatResponse {
  return {
    replies: replies.map((r) => ({
      text: r.text,
      ...(r.buttons && r.buttons.length > 0
        ? { buttons: r.buttons.map(({ label, value }) => ({ label, value })) }
        : {}),
      ...(r.sources && r.sources.length > 0 ? { sources: r.sources.map((s) => ({ ...s })) } : {}),
    })),
  };
}

/** Handles one chat request; turns from the same user run one after another. */
export function createWebChat(engine: Engine): (req: ChatRequest) => Promise<ChatResponse> {
  const serial = new KeyedSerializer();
  return (req) =>
    serial.run(req.user, async () =>
      toChatResponse(await engine.handle({ channel: 'web', userId: req.user, text: req.text, choice: req.choice })),
    );
}
