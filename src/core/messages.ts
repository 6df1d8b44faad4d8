/**
 * @module core/messages
 *
 * The one shape every channel speaks to the engine. Telegram updates, Zalo
 * events, web requests and terminal lines become an `IncomingMessage`; the
 * engine answers with `OutgoingReply` values that each channel renders its own
 * way (inline keyboard, numbered list, HTML buttons).
 */

export type ChannelName = 'web' | 'cli' | 'telegram' | 'zalo';

/**
 * Where a message was written. A group is read by everyone in it, so the
 * engine turns away anything that shows or changes one person's own data
 * there (see `conversation/privateOnly.ts`); only Telegram has groups today.
 */
export type ChatKind = 'private' | 'group';

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
  /**
   * Private (one to one) or group chat. Absent means private: the web chat,
   * a Zalo Official Account and the terminal only have one-to-one chats, so
   * only a channel with groups has to say it.
   */
  readonly chat?: ChatKind;
  /**
   * Where a reply may be shown while the model writes it, for a channel that
   * can (the web chat's stream). Only checked sentences reach it; the replies
   * the engine returns stay the whole answer, and replace what it showed.
   */
  readonly draft?: DraftSink;
}

/**
 * Receives a model's answer sentence by sentence as each passes the
 * grounding checks. `replace` says the text shown so far is withdrawn (a
 * later sentence failed, or the model refused): the turn's replies follow.
 */
export interface DraftSink {
  delta(text: string): void;
  replace(): void;
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

/**
 * What a reply is, said by the engine that wrote it, so a channel decides how
 * to present or withhold it without reading its Vietnamese text (a reworded
 * text then changes nothing in any adapter).
 *
 * - `answer`: a confident answer to a question (Q&A or a picked FAQ entry),
 *   with its source.
 * - `unsure`: the Q&A could not answer confidently (no good match, out of
 *   scope, unclear) and says so, offering choices or where to ask a person;
 *   the hand-over to staff starts from these.
 * - `quiz-question`: one question of a quiz to answer, with `quiz` set (a
 *   channel may show it as a native quiz poll).
 * - `quiz-feedback`: the verdict and explanation for the answer just given
 *   (in a group quiz, the answer revealed); Telegram folds it into the
 *   question message or leaves it out when the poll already showed it.
 * - `quiz-result`: the end of an attempt (score, pass, the programme
 *   completed).
 * - `personal`: shows or changes one resident's own data (results, stored
 *   data, a link code, linking, deletion); never posted where others read.
 * - `private-only`: a personal request refused because it came from a group;
 *   a channel that knows the way to its private chat may add that link.
 * - `menu`: choices to go on with (welcome, help, topic questions, the quiz
 *   list).
 * - `form`: the consent notice and the profile form's steps, retries and end.
 * - `notice`: everything else the assistant says about the conversation
 *   itself (thanks, warnings, a stale button, a quiz in progress, a command
 *   only a channel knows).
 * - `error`: the message could not be handled (the engine failed); only
 *   channels send it, since the engine that failed cannot.
 */
export type ReplyKind =
  | 'answer'
  | 'unsure'
  | 'quiz-question'
  | 'quiz-feedback'
  | 'quiz-result'
  | 'personal'
  | 'private-only'
  | 'menu'
  | 'form'
  | 'notice'
  | 'error';

/**
 * The resident asked for a person (or accepted the offer): the turn runner
 * opens a handoff thread with these facts in the turn's commit
 * (core/stores/handoff.ts). Channels never read it.
 */
export interface HandoffRequest {
  readonly reason: 'asked' | 'offered';
  readonly citizenId?: string;
  readonly hamletId?: string;
  /** The quiz in progress, offered back when the thread closes. */
  readonly suspendedQuiz?: string;
}

export interface OutgoingReply {
  /** Required, so the compiler finds every place that builds a reply and none is left unclassified. */
  readonly kind: ReplyKind;
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
  /** This reply opens a handoff thread (see `HandoffRequest`); stripped before any channel renders it. */
  readonly handoff?: HandoffRequest;
}
