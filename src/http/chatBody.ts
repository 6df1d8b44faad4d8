/**
 * @module http/chatBody
 *
 * The body of a web chat turn, read the same way by `POST /api/chat` and
 * `POST /api/chat/stream`: JSON, validated with zod, and a 400 that says in
 * Vietnamese what is wrong (with a stable `error` code for programs).
 */
import type { Context } from 'hono';
import { ChatRequestSchema, type ChatRequest } from '../channels/web/chatApi.js';

export function problem(error: string, message: string, details?: readonly string[]) {
  return { error, message, ...(details && details.length > 0 ? { details } : {}) };
}

/** The validated request, or the 400 response to send instead. */
export async function readChatBody(
  c: Context,
): Promise<{ ok: true; data: ChatRequest } | { ok: false; res: Response }> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return {
      ok: false,
      res: c.json(
        problem('invalid_json', 'Nội dung gửi lên không phải JSON hợp lệ. Hãy gửi {"user": "...", "text": "..."}.'),
        400,
      ),
    };
  }
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `trường không hợp lệ: ${i.keys.join(', ')}` : i.message,
    );
    return { ok: false, res: c.json(problem('invalid_request', 'Yêu cầu không hợp lệ.', details), 400) };
  }
  return { ok: true, data: parsed.data };
}
