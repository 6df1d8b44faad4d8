/**
 * @module core/messages
 *
 * The one shape every channel speaks to the engine. Telegram updates, Zalo
 * events, web requests and terminal lines become an `IncomingMessage`; the
 * engine answers with `OutgoingReply` values that each channel renders its own
 * way (inline keyboard, numbered list, HTML buttons).
 */

export type ChannelName = 'web' | 'cli' | 'telegram' | 'zalo';

export interface IncomingMessage {
  readonly channel: ChannelName;
  /** The user's id on that channel (opaque; never shown to anyone). */
  readonly userId: string;
  /** What the user typed, if anything. */
  readonly text?: string;
  /** The `value` of a button the user pressed, if any. */
  readonly choice?: string;
  /**
   * The channel's id for this message, when it has one that a replay would
   * repeat (Zalo's msg_id). The engine answers a repeated id with the replies
   * it gave the first time instead of acting on the message again.
   */
  readonly id?: string;
  /**
   * Where the message came from on the network, when the channel knows it
   * (the web client's address). Used only to limit guessing of link codes:
   * a web visitor can drop their cookie and start afresh, not their address.
   */
  readonly network?: string;
}

export interface ReplyButton {
  readonly label: string;
  readonly value: string;
}

export interface ReplySource {
  readonly title: string;
  readonly ref: string;
  readonly url?: string;
}

/**
 * Extra facts about a quiz question, for channels with a native quiz widget
 * (Telegram quiz polls need the right option up front). Text-only channels
 * ignore it and render the buttons.
 */
export interface QuizQuestionMeta {
  /** The quiz's id in its bank (a channel may present some quizzes differently). */
  readonly quizId: string;
  readonly attemptId: string;
  /** 0-based index of the question in the attempt. */
  readonly index: number;
  readonly total: number;
  /** Position (among `buttons`) of the right option. */
  readonly correctPosition: number;
  readonly explanation: string;
  /** A group's practice question: nothing is graded or recorded, a channel may show the answer itself. */
  readonly practice?: boolean;
}

export interface OutgoingReply {
  readonly text: string;
  readonly buttons?: readonly ReplyButton[];
  readonly quiz?: QuizQuestionMeta;
  /** Documents the text was drawn from, for channels that render links. */
  readonly sources?: readonly ReplySource[];
  /**
   * The resident's data was just erased: a channel that keeps rows about a
   * resident only to reach them (Zalo's outbox and messaging window) drops
   * them once this reply has gone out.
   */
  readonly forget?: boolean;
}
