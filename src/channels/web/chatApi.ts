/**
 * @module channels/web/chatApi
 *
 * The web chat adapter: `POST /api/chat` bodies become `IncomingMessage`s and
 * the engine's replies become the JSON the page renders. Bodies are validated
 * with zod; a malformed body gets a 400 that says what is wrong, in Vietnamese
 * for the page and with a stable `error` code for programs.
 *
 * Who is talking is the session id the server issued (see `session.ts`),
 * never the body's `user`: that string is a client's own label and is not
 * read at all, so nothing personal can be reached by naming someone. Each
 * turn first passes the rate limits (per session and per address); a
 * refused one costs a map lookup and never reaches the engine.
 *
 * Delivery: a turn's replies are rows of the one outbox like every
 * channel's, queued in the turn's commit (storage/sqlite/turns.ts). The web
 * has no way to reach a visitor later, so its "sender" is the HTTP answer:
 * the answer carries every reply still owed to the session (this turn's, and
 * any that an earlier answer never carried because the service stopped
 * between that turn's commit and its answer), oldest first, and marks them
 * delivered as it is built. The contract stays `{"replies":[…]}`.
 */
import { z } from 'zod';
import type { DraftSink, OutgoingReply } from '../../core/messages.js';
import type { Clock, MaybePromise } from '../../core/ports.js';
import { retrySeconds, takeAll, tooFastText, type TurnLimits } from '../../core/rateLimit.js';
import type { TurnOutcome, TurnRequest } from '../../core/stores/turns.js';
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
    /**
     * The page's own id for this message, the same when it sends the message again (the stream broke,
     * the answer never arrived, "Gửi" pressed again): the engine answers a repeat of the last message
     * with the replies it gave, instead of acting on it twice (a quiz answer counted once).
     */
    id: z
      .string({ message: '"id" phải là chuỗi' })
      .regex(/^[A-Za-z0-9_-]{8,64}$/, '"id" chỉ gồm 8–64 chữ cái không dấu, chữ số, "-" hoặc "_"')
      .optional(),
  })
  .strict();

export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** One reply as the page renders it (and as the web's outbox rows hold it). */
export interface WebReply {
  text: string;
  buttons?: { label: string; value: string }[];
  sources?: { title: string; ref: string; url?: string }[];
}

export interface ChatResponse {
  readonly replies: readonly WebReply[];
  /** A person from the commune owns the conversation: the page polls `GET /api/chat/pending` for their replies. */
  readonly handoff?: true;
}

/** `GET /api/chat/pending` takes no parameters; anything else is refused, so a typo is not silently ignored. */
export const PendingQuerySchema = z.object({}).strict();

/** Replies one answer carries at most: more than any turn makes, a bound on what a long outage left. */
const MAX_CARRIED = 50;

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

/** Who sent a request, as the server knows it. */
export interface Visitor {
  /** The id of the visitor's session cookie (a new one when they had none or a bad one). */
  readonly sessionId: string;
  /** The client's address, when known (the socket's, or the trusted proxy's header). */
  readonly network?: string;
}

export type WebChatResult =
  | { readonly status: 200; readonly body: ChatResponse; readonly sessionId: string }
  | {
      readonly status: 429;
      readonly body: ChatResponse & { readonly error: string; readonly message: string };
      readonly retryAfterSeconds: number;
      readonly sessionId: string;
    };

/** `draft`: where the model's checked sentences go while it writes (the streaming endpoint only). */
export type WebChat = (req: ChatRequest, visitor: Visitor, draft?: DraftSink) => Promise<WebChatResult>;

export interface WebChatOptions {
  /** Per-session and per-address limits; none when absent (in-process tests). */
  readonly limits?: TurnLimits;
  /** The citizen a session stands for, if any: a change during a turn rotates the session. */
  readonly citizenOf?: (sessionId: string) => MaybePromise<string | undefined>;
  /** Moves a session's rows to a new id (durably, before the answer goes out). */
  readonly rotate?: (from: string, to: string) => Promise<void>;
  /** A fresh session id. */
  readonly newSessionId?: () => string;
  /** When replies are marked delivered (default: the system clock). */
  readonly clock?: Clock;
  /** Whether a person from the commune owns the session's conversation (the answer then says so). */
  readonly handoffOpen?: (sessionId: string) => MaybePromise<boolean>;
}

/** A web turn as the chat hands it over: the outbox is the web's own rows, which the composition names. */
export type WebTurnRequest = Omit<TurnRequest<WebReply>, 'outbox'>;

/**
 * A web turn's outcome. `citizen`: who the session stood for before and after
 * the turn, when the turn read both in its own transaction (PostgreSQL, where
 * each separate look-up is a transaction of its own); without it the chat
 * asks `citizenOf` before and after.
 */
export type WebTurnOutcome = TurnOutcome & {
  readonly citizen?: { readonly before: string | undefined; readonly after: string | undefined };
};

/**
 * What a take gives: the owed replies and, when the take read it in the same
 * step (PostgreSQL), whether a person owns the conversation; without it the
 * chat asks `handoffOpen`.
 */
export interface WebTaken {
  readonly replies: WebReply[];
  readonly handoff?: boolean;
}

/**
 * What a web turn goes through, on either database (channels/web/compose.ts
 * builds both): the turn runner over the web's rows of the outbox, and the
 * one step that takes what is owed to a session.
 */
export interface WebTurns {
  /** Every outcome of `run` carries `citizen`: the chat does not ask `citizenOf` around the turn. */
  readonly readsCitizen?: boolean;
  /** Resolves once the turn, its state and its queued replies are committed together. */
  run(request: WebTurnRequest): Promise<WebTurnOutcome>;
  /**
   * The session's oldest owed replies (at most `limit`), marked delivered in
   * the same step: two answers or polls never carry the same reply.
   */
  take(sessionId: string, limit: number, at: Date): MaybePromise<WebTaken>;
}

/** Whether a person owns the session's conversation: as the take read it, else asked. */
async function handoffAfter(taken: WebTaken, sessionId: string, options: WebChatOptions): Promise<boolean> {
  if (taken.handoff !== undefined) return taken.handoff;
  return (await options.handoffOpen?.(sessionId)) === true;
}

/**
 * Handles one chat request; turns of the same session run one after another.
 * When a turn changes the citizen the session stands for (a link code, a
 * first quiz), the session gets a new id before the answer goes out: an id
 * seen or planted before that moment no longer reaches the person.
 */
export function createWebChat(turns: WebTurns, options: WebChatOptions = {}): WebChat {
  const serial = new KeyedSerializer();
  const { limits, citizenOf, rotate, newSessionId } = options;
  const now = (): Date => options.clock?.now() ?? new Date();
  return async (req, visitor, draft) => {
    const { sessionId, network } = visitor;
    if (limits) {
      const taken = takeAll([
        [limits.perAddress, `web-net:${network ?? 'unknown'}`],
        [limits.perIdentity, `web:${sessionId}`],
      ]);
      if (!taken.ok) {
        const seconds = retrySeconds(taken);
        const text = tooFastText(seconds);
        return {
          status: 429,
          body: { error: 'rate_limited', message: text, replies: [{ text }] },
          retryAfterSeconds: seconds,
          sessionId,
        };
      }
    }
    return serial.run(sessionId, async () => {
      // Asked before and after unless the turn reads both itself (WebTurnOutcome).
      const ask = turns.readsCitizen !== true && citizenOf !== undefined;
      const before = ask ? await citizenOf(sessionId) : undefined;
      const outcome = await turns.run({
        message: {
          channel: 'web',
          userId: sessionId,
          text: req.text,
          choice: req.choice,
          ...(req.id !== undefined && { id: `web:${req.id}` }),
          ...(network !== undefined && { network }),
          ...(draft && { draft }),
        },
        userId: sessionId,
        render: (replies) => toChatResponse(replies).replies,
      });
      // This turn's replies, after any an earlier answer never carried.
      const taken = await turns.take(sessionId, MAX_CARRIED, now());
      let current = sessionId;
      if (rotate && newSessionId) {
        const seen = outcome.duplicate ? undefined : outcome.citizen;
        const was = seen ? seen.before : before;
        const after = seen ? seen.after : ask ? await citizenOf(sessionId) : undefined;
        if (after !== undefined && after !== was) {
          current = newSessionId();
          await rotate(sessionId, current);
        }
      }
      // Rotation moves the session's thread with it: the take's answer still holds for the new id.
      const handoff = await handoffAfter(taken, current, options);
      return {
        status: 200,
        body: { replies: taken.replies, ...(handoff && { handoff: true as const }) },
        sessionId: current,
      };
    });
  };
}

/** What a poll of the chat page gets: the replies owed to the session (a staff member's), marked delivered. */
export type WebPending = (sessionId: string) => Promise<ChatResponse>;

/**
 * The web's way to receive a staff reply without writing first: the page
 * polls while a person owns the conversation. Reading and marking are one
 * step (`take`), so two polls never carry the same reply.
 */
export function createWebPending(
  turns: Pick<WebTurns, 'take'>,
  options: Pick<WebChatOptions, 'clock' | 'handoffOpen'> = {},
): WebPending {
  return async (sessionId) => {
    const taken = await turns.take(sessionId, MAX_CARRIED, options.clock?.now() ?? new Date());
    const handoff = await handoffAfter(taken, sessionId, options);
    return { replies: taken.replies, ...(handoff && { handoff: true as const }) };
  };
}
