/**
 * @module core/conversation/engine
 *
 * The one place that decides what the assistant replies, for every channel.
 * An `IncomingMessage` goes through a fixed order of steps: empty input, a
 * pressed button (or a typed number picking one, for text-only channels),
 * secrets in the text, small talk, and finally the Q&A fallback. Per-user state
 * (the buttons last offered, how often the bot was unsure in a row) is loaded
 * before and saved after, through a port, so the service can restart at any
 * moment. Features added later (quizzes, registration, staff hand-over) slot in
 * before the fallback.
 */
import type { IncomingMessage, OutgoingReply, ReplyButton } from '../messages.js';
import type { Clock, ConversationState, ConversationStateRepo, KnowledgeSearch, UnansweredLog } from '../ports.js';
import {
  answerQuestion,
  DEFAULT_THRESHOLDS,
  sourceLine,
  type AnswerThresholds,
  type QaAnswer,
} from '../qa/answerer.js';
import { cleanText, tokenize } from '../text/normalize.js';
import { redactSensitive, secretKinds } from '../text/sensitive.js';
import { faqButton, MENU_BUTTONS, MENU_TOPICS, topicQuestions } from './menu.js';
import { classifySmalltalk } from './smalltalk.js';
import * as T from './texts.js';

export interface EngineDeps {
  readonly search: KnowledgeSearch;
  readonly state: ConversationStateRepo;
  readonly unanswered: UnansweredLog;
  readonly clock: Clock;
  readonly thresholds?: AnswerThresholds;
  /** Longer messages are cut to this many characters before anything else reads them. */
  readonly maxMessageChars?: number;
}

export interface Engine {
  handle(message: IncomingMessage): Promise<OutgoingReply[]>;
  /** Stateless Q&A, as used by `cli ask`. */
  ask(question: string): Promise<QaAnswer>;
}

const DEFAULT_MAX_CHARS = 2000;

/** Builds the reply of a Q&A answer: text, sources, and related questions as buttons. */
function answerReply(answer: QaAnswer): OutgoingReply {
  const buttons: ReplyButton[] = answer.confident ? answer.related.map(faqButton) : [...MENU_BUTTONS];
  return {
    text: answer.text,
    buttons: buttons.length > 0 ? buttons : undefined,
    sources: answer.confident
      ? answer.sources.slice(0, 1).map(({ title, ref, url }) => ({ title, ref, url }))
      : undefined,
  };
}

export function createEngine(deps: EngineDeps): Engine {
  const thresholds = deps.thresholds ?? DEFAULT_THRESHOLDS;
  const maxChars = deps.maxMessageChars ?? DEFAULT_MAX_CHARS;

  const ask = (question: string): Promise<QaAnswer> => answerQuestion(question, deps.search, thresholds);

  async function onChoice(choice: string): Promise<OutgoingReply[]> {
    if (choice === 'menu:start') return [{ text: T.WELCOME, buttons: MENU_BUTTONS }];
    if (choice === 'menu:main' || choice === 'menu:help') return [{ text: T.HELP, buttons: MENU_BUTTONS }];
    const topic = MENU_TOPICS.find((t) => t.value === choice);
    if (topic) {
      const entries = await topicQuestions(topic, deps.search);
      if (entries.length === 0) return [{ text: T.MENU_EMPTY }];
      return [{ text: T.MENU_PROMPT, buttons: entries.map(faqButton) }];
    }
    if (choice.startsWith('faq:')) {
      const entry = await deps.search.faq(choice.slice(4));
      if (entry) {
        const info = await deps.search.document(entry.sourceRef);
        const title = info?.title ?? entry.sourceRef;
        const related = (await deps.search.search(entry.question, 5)).faqs
          .filter((m) => m.entry.id !== entry.id && m.similarity >= 0.2)
          .slice(0, 3)
          .map((m) => faqButton(m.entry));
        return [
          {
            text: `${entry.question}\n${entry.answer.trim()}\n\n${sourceLine(title, info?.url)}`,
            buttons: related.length > 0 ? related : undefined,
            sources: [{ title, ref: entry.sourceRef, url: info?.url }],
          },
        ];
      }
    }
    return [{ text: T.STALE_CHOICE, buttons: MENU_BUTTONS }];
  }

  async function onText(message: IncomingMessage, raw: string, state: ConversationState): Promise<OutgoingReply[]> {
    const replies: OutgoingReply[] = [];
    let text = raw;
    if (text.length > maxChars) {
      text = text.slice(0, maxChars);
      replies.push({ text: T.TOO_LONG });
    }
    const redaction = redactSensitive(text);
    const secrets = secretKinds(redaction.kinds);
    if (secrets.length > 0) {
      replies.push({ text: T.secretWarning(secrets) });
      // Only the secret and nothing to ask about: the warning is the whole reply.
      const rest = tokenize(redaction.text.replace(/\[[^\]]*\]/g, ' '));
      if (rest.length < 3) return replies;
    }
    const question = redaction.text;
    const small = classifySmalltalk(question);
    if (small === 'greeting') return [...replies, { text: T.WELCOME, buttons: MENU_BUTTONS }];
    if (small === 'help') return [...replies, { text: T.HELP, buttons: MENU_BUTTONS }];
    if (small === 'thanks') return [...replies, { text: T.THANKS }];
    if (small === 'nonsense') return [...replies, { text: T.NONSENSE, buttons: MENU_BUTTONS }];
    if (small === 'english') return [...replies, { text: T.ENGLISH }];

    const answer = await ask(question);
    if (answer.confident) {
      state.unsureStreak = 0;
    } else {
      state.unsureStreak = (state.unsureStreak ?? 0) + 1;
      await deps.unanswered.record({
        channel: message.channel,
        question,
        bestRef: answer.sources[0]?.ref,
        bestScore: answer.sources[0]?.score,
        at: deps.clock.now(),
      });
    }
    return [...replies, answerReply(answer)];
  }

  async function handle(message: IncomingMessage): Promise<OutgoingReply[]> {
    const key = { channel: message.channel, userId: message.userId };
    const state: ConversationState = { ...((await deps.state.get(key)) ?? {}) };
    const text = cleanText(message.text ?? '');
    let choice = message.choice?.trim() || undefined;

    // Text-only channels answer a list by number: "2" picks the second button offered.
    if (!choice && /^\d{1,2}$/.test(text) && state.offered) {
      choice = state.offered[Number(text) - 1]?.value;
    }

    let replies: OutgoingReply[];
    if (choice) replies = await onChoice(choice);
    else if (!text) replies = [{ text: T.EMPTY, buttons: MENU_BUTTONS }];
    else replies = await onText(message, text, state);

    const last = replies[replies.length - 1];
    state.offered = last?.buttons ? last.buttons.map(({ label, value }) => ({ label, value })) : undefined;
    await deps.state.set(key, state, deps.clock.now());
    return replies;
  }

  return { handle, ask };
}
