/**
 * @module core/conversation/engine
 *
 * The one place that decides what the assistant replies, for every channel.
 * An `IncomingMessage` goes through a fixed order of steps: a personal
 * request from a group chat (refused, see privateOnly.ts), a pressed button
 * (or a typed number or option text picking one), empty input, secrets in the
 * text, a staff member's `/canbo` code, a resident's link code, an open
 * profile form, typed commands ("làm bài kiểm tra", "xóa dữ liệu của tôi"),
 * small talk, and finally the Q&A fallback. The
 * emulation board and the staff summary ("/bangxephang", "/thongke") are
 * choices too, typed or pressed (core/stats). Asking for a person ("gặp cán
 * bộ", `/nguoi`, the menu's entry, or the offer after two unsure answers) is
 * a choice too: its reply carries the facts of the handoff thread, which the
 * turn runner opens (core/handoff). Per-user state is loaded before and saved
 * after through a port, so the service can restart at any moment.
 */
import type { DraftSink, IncomingMessage, OutgoingReply, ReplyButton } from '../messages.js';
import type {
  AnswerOutcomeLog,
  AttemptRepo,
  CitizenRepo,
  Clock,
  ConversationState,
  ConversationStateRepo,
  KnowledgeSearch,
  QuizCatalog,
  Random,
  UnansweredLog,
} from '../ports.js';
import {
  answerPassage,
  answerQuestion,
  DEFAULT_THRESHOLDS,
  sourceLine,
  type AnswerThresholds,
  type AnswerWriter,
  type QaAnswer,
} from '../qa/answerer.js';
import {
  createQuizFeature,
  MY_RESULTS,
  NOTHING_TO_STOP,
  QUIZ_LIST,
  QUIZ_STOP,
  type QuizFeature,
} from '../quiz/feature.js';
import { isGroupQuizChoice, onGroupQuizChoice } from '../quiz/groupQuiz.js';
import { BTN_RESULTS, BTN_TAKE_QUIZ } from '../quiz/texts.js';
import { newId } from '../random.js';
import {
  createRegistryFeature,
  formTakesNumber,
  intentOf,
  linkCodeIn,
  type RegistryFeature,
} from '../registry/feature.js';
import { createLinkGuard } from '../registry/linkGuard.js';
import { BTN_LINK } from '../registry/texts.js';
import type { CommuneInfo, Identity } from '../registry/types.js';
import { cleanText, tokenize } from '../text/normalize.js';
import { redactSensitive, secretKinds } from '../text/sensitive.js';
import { choiceFromText } from './choices.js';
import { asksForPersonal, privateOnlyReply } from './privateOnly.js';
import { faqButton, MENU_BUTTONS, MENU_TOPICS, topicQuestions } from './menu.js';
import { classifySmalltalk } from './smalltalk.js';
import { createStatsFeature, statsIntent, type StatsDeps } from '../stats/feature.js';
import { createStaffLinkFeature, staffCodeIn } from '../stats/staffLink.js';
import { answerReply, onFeedback, replyWithFeedback } from './qaReplies.js';
import {
  completePendingAsk,
  FEEDBACK_DOWN,
  FEEDBACK_UP,
  hasLastAnswer,
  previousTopic,
  rememberAnswer,
  recentTurns,
  rememberPendingAsk,
  rememberTurn,
  typedFeedback,
} from './qaMemory.js';
import { effectiveQuestion } from '../qa/followUp.js';
import { rewriteFollowUp } from '../qa/rewrite.js';
import { whereToAsk } from '../qa/contacts.js';
import type { CommuneContacts } from '../registry/types.js';
import * as T from './texts.js';
import { asksForPerson, HANDOFF_ASK, HANDOFF_OFFER } from '../handoff/intent.js';
import * as H from '../handoff/texts.js';

/** Quizzes and the citizen registry; without them the engine only answers questions. */
export interface LearningDeps {
  readonly quizzes: QuizCatalog;
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  readonly commune: CommuneInfo;
  readonly random: Random;
}

export interface EngineDeps {
  readonly search: KnowledgeSearch;
  readonly state: ConversationStateRepo;
  readonly unanswered: UnansweredLog;
  /** Counts how each question was answered (weekly figures of the learning loop); optional. */
  readonly outcomes?: AnswerOutcomeLog;
  readonly clock: Clock;
  readonly learning?: LearningDeps;
  readonly thresholds?: AnswerThresholds;
  /** Optional language model that answers from the passages retrieval found; without it answers are extractive. */
  readonly writer?: AnswerWriter;
  /** Longer messages are cut to this many characters before anything else reads them. */
  readonly maxMessageChars?: number;
  /** Where to ask a person, when staff filled it in (else taken from the commune of `learning`). */
  readonly contacts?: CommuneContacts;
  /** The emulation board (`/bangxephang`) and the staff summary (`/thongke`); without it they are plain text. */
  readonly stats?: StatsDeps;
  /**
   * Residents can ask for a person (issue 18 item 6): the menu offers it, "gặp cán bộ" asks for it, and two
   * unsure answers in a row offer it. The thread itself is opened by the turn runner (a reply's `handoff`).
   */
  readonly handoff?: boolean;
}

export interface Engine {
  handle(message: IncomingMessage): Promise<OutgoingReply[]>;
  /** Stateless Q&A, as used by `cli ask`. */
  ask(question: string): Promise<QaAnswer>;
}

const DEFAULT_MAX_CHARS = 2000;

/**
 * The last message's id and the replies it got, saved with the state in the
 * same write. A message replayed after its state was saved gets the same
 * replies back, and a typed "1" is not taken a second time as the answer to
 * the next question. A channel's turn (storage/sqlite/turns.ts) saves the
 * state with the message's claim and its replies, so there this is a second
 * line of defence.
 */
interface LastTurn {
  readonly id: string;
  readonly replies: OutgoingReply[];
}
/** A `then` chain (form → quiz) never needs more than this many hops. */
const MAX_CHOICE_DEPTH = 3;

/** Short texts that read like a question rather than a name typed into the form. */
function looksLikeQuestion(text: string): boolean {
  const tokens = tokenize(text);
  return (
    /\?/.test(text) ||
    tokens.length > 5 ||
    tokens.some((t) => ['gi', 'sao', 'nao', 'dau', 'khong', 'bao', 'may'].includes(t))
  );
}

export function createEngine(deps: EngineDeps): Engine {
  const thresholds = deps.thresholds ?? DEFAULT_THRESHOLDS;
  const maxChars = deps.maxMessageChars ?? DEFAULT_MAX_CHARS;
  const learning = deps.learning;
  const quiz: QuizFeature | undefined = learning ? createQuizFeature({ ...learning, clock: deps.clock }) : undefined;
  // One guard for residents' and staff's link codes: a guesser gets no second allowance by switching kind.
  const linkGuard = createLinkGuard(deps.clock);
  const registry: RegistryFeature | undefined = learning
    ? createRegistryFeature({ ...learning, conversations: deps.state, clock: deps.clock, linkGuard })
    : undefined;
  const askPerson: readonly ReplyButton[] = deps.handoff ? [{ label: H.BTN_ASK_PERSON, value: HANDOFF_ASK }] : [];
  const menu: readonly ReplyButton[] = learning
    ? [
        { label: BTN_TAKE_QUIZ, value: QUIZ_LIST },
        ...MENU_BUTTONS,
        { label: BTN_RESULTS, value: MY_RESULTS },
        { label: BTN_LINK, value: 'me:link' },
        ...askPerson,
      ]
    : [...MENU_BUTTONS, ...askPerson];

  const stats = deps.stats ? createStatsFeature(deps.stats) : undefined;
  const staffLinks = deps.stats?.links
    ? createStaffLinkFeature({ links: deps.stats.links, clock: deps.clock, guard: linkGuard })
    : undefined;

  const staleChoice: OutgoingReply = { kind: 'notice', text: T.STALE_CHOICE, buttons: menu };

  // Read at each use, not once: staff may change the contacts while the service runs.
  const contactsNow = (): CommuneContacts | undefined => deps.contacts ?? learning?.commune.contacts;
  const ask = (
    question: string,
    previous?: { readonly terms: string; readonly ref?: string },
    hamlet?: string,
    signal?: AbortSignal,
    draft?: DraftSink,
  ): Promise<QaAnswer> =>
    answerQuestion(question, deps.search, thresholds, deps.writer, {
      previousTopic: previous?.terms,
      ...(previous?.ref !== undefined && { previousRef: previous.ref }),
      whereToAsk: whereToAsk(contactsNow(), hamlet),
      signal,
      draft,
    });

  /**
   * With a model and a rewrite prompt, a follow-up ("còn mức 1 thì sao?")
   * becomes a stand-alone question written from the last turns; the lexical
   * reading with the last topic's words stays the fallback.
   */
  async function standAlone(
    question: string,
    state: ConversationState,
    now: Date,
    previous: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const writer = deps.writer;
    if (!writer?.prompts.rewrite || !previous || !effectiveQuestion(question, previous)) return undefined;
    const turns = recentTurns(state, now);
    return turns.length > 0 ? rewriteFollowUp(question, turns, writer, signal) : undefined;
  }

  /** The resident's hamlet, looked up only when a hamlet team's contact could be given. */
  async function hamletOf(identity: Identity): Promise<string | undefined> {
    const contacts = contactsNow();
    if (!learning || !contacts || contacts.digitalTeams.length === 0) return undefined;
    return (await learning.citizens.findByIdentity(identity))?.profile.hamlet;
  }

  const feedback = {
    unanswered: deps.unanswered,
    clock: deps.clock,
    menu,
    whereToAsk: () => whereToAsk(contactsNow()),
  };

  const citizenOf = async (identity: Identity) =>
    learning ? learning.citizens.ensure(identity, newId(learning.random), deps.clock.now()) : undefined;

  async function faqReply(id: string): Promise<OutgoingReply[] | undefined> {
    const entry = await deps.search.faq(id);
    if (!entry) return undefined;
    const info = await deps.search.document(entry.sourceRef);
    const title = info?.title ?? entry.sourceRef;
    const related = (await deps.search.search(entry.question, 5)).faqs
      .filter((m) => m.entry.id !== entry.id && m.similarity >= 0.2)
      .slice(0, 3)
      .map((m) => faqButton(m.entry));
    return [
      {
        kind: 'answer',
        text: `${entry.question}\n${entry.answer.trim()}\n\n${sourceLine(title, info?.url)}`,
        buttons: related.length > 0 ? related : undefined,
        sources: [{ title, ref: entry.sourceRef, url: info?.url }],
      },
    ];
  }

  /**
   * The reply that opens a thread: when someone will answer, and the facts
   * the runner stores on the thread (the resident's hamlet routes it to the
   * hamlet's team; a quiz in progress is suspended and offered back later).
   */
  async function handoffReply(
    identity: Identity,
    state: ConversationState,
    reason: 'asked' | 'offered',
  ): Promise<OutgoingReply[]> {
    const citizen = learning ? await learning.citizens.findByIdentity(identity) : undefined;
    const active = citizen && learning ? await learning.attempts.active(citizen.id) : undefined;
    state.unsureStreak = 0;
    delete state.form;
    return [
      {
        kind: 'notice',
        text: H.opened(contactsNow(), identity.channel, active !== undefined),
        handoff: {
          reason,
          ...(citizen && { citizenId: citizen.id }),
          ...(citizen?.profile.hamlet && { hamletId: citizen.profile.hamlet }),
          ...(active && { suspendedQuiz: active.quizId }),
        },
      },
    ];
  }

  async function onChoice(
    identity: Identity,
    state: ConversationState,
    choice: string,
    depth = 0,
  ): Promise<OutgoingReply[]> {
    if (deps.handoff && (choice === HANDOFF_ASK || choice === HANDOFF_OFFER))
      return handoffReply(identity, state, choice === HANDOFF_ASK ? 'asked' : 'offered');
    if (choice === 'menu:start') return [{ kind: 'menu', text: T.WELCOME, buttons: menu }];
    if (choice === 'menu:main' || choice === 'menu:help') return [{ kind: 'menu', text: T.HELP, buttons: menu }];
    const figures = stats ? await stats.onChoice(identity, choice) : undefined;
    if (figures) return figures;
    const topic = MENU_TOPICS.find((t) => t.value === choice);
    if (topic) {
      const entries = await topicQuestions(topic, deps.search);
      if (entries.length === 0) return [{ kind: 'notice', text: T.MENU_EMPTY }];
      return [{ kind: 'menu', text: T.MENU_PROMPT, buttons: entries.map(faqButton) }];
    }
    if (choice.startsWith('pg:')) {
      const picked = /^pg:(\d{1,12})$/.exec(choice);
      const answer = picked ? await answerPassage(Number(picked[1]), deps.search) : undefined;
      if (answer) {
        // The pick answers the question: a follow-up and a 👎 are about this section, not the question before.
        rememberAnswer(state, answer.sources[0]?.title ?? '', answer, deps.clock.now());
        return [answerReply(answer, menu)];
      }
    }
    if (choice === FEEDBACK_UP || choice === FEEDBACK_DOWN)
      return onFeedback(feedback, identity, state, choice === FEEDBACK_UP);
    if (choice.startsWith('faq:')) {
      const replies = await faqReply(choice.slice(4));
      if (replies) return replies;
    }
    if (learning && isGroupQuizChoice(choice)) {
      const replies = onGroupQuizChoice(learning.quizzes, state, choice);
      if (replies) return replies;
    }
    if (quiz && registry && learning && depth < MAX_CHOICE_DEPTH) {
      if (choice.startsWith('quiz:') || choice === MY_RESULTS) {
        // A typed "thôi" registers nobody: only someone already known can have a quiz to stop.
        const citizen =
          choice === QUIZ_STOP ? await learning.citizens.findByIdentity(identity) : await citizenOf(identity);
        if (!citizen) return choice === QUIZ_STOP ? [...NOTHING_TO_STOP] : [staleChoice];
        // The consent notice comes before a first quiz that exists; an unknown id is answered as such.
        const wanted = choice.startsWith('quiz:go:') ? choice.slice('quiz:go:'.length) : undefined;
        if (wanted && learning.quizzes.get(wanted) && citizen.consent === 'unasked' && !state.form) {
          return registry.startForm(state, choice).replies;
        }
        const replies = await quiz.onChoice(citizen.id, choice);
        if (replies) return replies;
      }
      if (choice.startsWith('reg:')) {
        const citizen = await citizenOf(identity);
        const outcome = citizen ? await registry.onFormChoice(citizen, state, choice) : undefined;
        if (outcome) {
          const next = outcome.next ? await onChoice(identity, state, outcome.next, depth + 1) : [];
          return [...outcome.replies, ...next];
        }
      }
      if (choice.startsWith('me:')) {
        const citizen = await learning.citizens.findByIdentity(identity);
        const outcome = await registry.onMeChoice(identity, citizen, state, choice);
        if (outcome) return outcome.replies;
      }
    }
    return [staleChoice];
  }

  /**
   * What to remind the resident of after answering a question mid-form or
   * mid-quiz. Never the form in a group: its steps ask for a name and a birth year.
   */
  async function reminder(
    identity: Identity,
    state: ConversationState,
    inGroup: boolean,
  ): Promise<OutgoingReply | undefined> {
    if (!learning || !quiz || !registry) return undefined;
    const form = inGroup ? undefined : registry.formReminder(state);
    if (form) return form;
    const citizen = await learning.citizens.findByIdentity(identity);
    return citizen ? quiz.reminder(citizen.id) : undefined;
  }

  async function onText(
    message: IncomingMessage,
    identity: Identity,
    raw: string,
    state: ConversationState,
  ): Promise<OutgoingReply[]> {
    const replies: OutgoingReply[] = [];
    const inGroup = message.chat === 'group';
    let text = raw;
    if (text.length > maxChars) {
      text = text.slice(0, maxChars);
      replies.push({ kind: 'notice', text: T.TOO_LONG });
    }
    const redaction = redactSensitive(text);
    const secrets = secretKinds(redaction.kinds);
    if (secrets.length > 0) {
      replies.push({ kind: 'notice', text: T.secretWarning(secrets) });
      // Only the secret and nothing to ask about: the warning is the whole reply.
      const rest = tokenize(redaction.text.replace(/\[[^\]]*\]/g, ' '));
      if (rest.length < 3) return replies;
    }
    const question = redaction.text;

    const staffCode = staffLinks ? staffCodeIn(question) : undefined;
    if (staffLinks && staffCode)
      return [...replies, ...(await staffLinks.redeem(identity, staffCode, message.network))];

    if (registry && learning) {
      const code = linkCodeIn(question);
      if (code) return [...replies, ...(await registry.redeem(identity, code, message.network))];
      // A command ("xóa dữ liệu của tôi") typed at an open form step is the command, never a name.
      const intent = intentOf(question, state);
      // In a group a typed line is never taken as the name or birth year of a form opened in private.
      if (state.form && !intent && !inGroup && !looksLikeQuestion(question)) {
        const citizen = await citizenOf(identity);
        const outcome = citizen ? await registry.onFormText(citizen, state, question) : undefined;
        if (outcome) {
          const next = outcome.next ? await onChoice(identity, state, outcome.next, 1) : [];
          return [...replies, ...outcome.replies, ...next];
        }
      }
      if (intent) {
        delete state.form;
        return [...replies, ...(await onChoice(identity, state, intent))];
      }
    }

    const typed = hasLastAnswer(state) ? typedFeedback(question) : undefined;
    if (typed) return [...replies, ...(await onFeedback(feedback, identity, state, typed === 'up'))];
    const now = deps.clock.now();
    // Taken before anything else answers, so an unfinished question waits for one message only.
    const completed = completePendingAsk(state, question, now);
    const small = classifySmalltalk(question);
    if (small === 'greeting') return [...replies, { kind: 'menu', text: T.WELCOME, buttons: menu }];
    if (small === 'help') return [...replies, { kind: 'menu', text: T.HELP, buttons: menu }];
    if (small === 'thanks') return [...replies, { kind: 'notice', text: T.THANKS }];
    if (small === 'nonsense') return [...replies, { kind: 'notice', text: T.NONSENSE, buttons: menu }];
    if (small === 'english') return [...replies, { kind: 'notice', text: T.ENGLISH, buttons: menu }];

    // "khai sinh" right after the assistant asked what "cần giấy tờ gì?" was about completes that question.
    const hamlet = await hamletOf(identity);
    // One deadline for the whole answer: the follow-up's rewrite and the answer share it.
    const signal = deps.writer?.deadline?.();
    const previous = previousTopic(state, now);
    const rewritten = completed ? undefined : await standAlone(question, state, now, previous?.terms, signal);
    const draft = message.draft;
    let answer = rewritten
      ? await ask(rewritten, undefined, hamlet, signal, draft)
      : await ask(completed ?? question, previous, hamlet, signal, draft);
    if (completed && !answer.confident) answer = await ask(question, previousTopic(state, now), hamlet, signal, draft);
    if (answer.kind === 'unclear') rememberPendingAsk(state, question, now);
    rememberAnswer(state, question, answer, now);
    if (deps.writer?.prompts.rewrite) rememberTurn(state, rewritten ?? question, answer, now);
    await deps.outcomes?.record({ at: now, kind: answer.kind, ...(answer.faqId && { faqId: answer.faqId }) });
    if (answer.confident) {
      state.unsureStreak = 0;
    } else {
      state.unsureStreak = (state.unsureStreak ?? 0) + 1;
      await deps.unanswered.record({
        channel: message.channel,
        userId: message.userId,
        kind: answer.kind === 'out-of-scope' || answer.kind === 'unclear' ? answer.kind : 'miss',
        question,
        bestRef: answer.sources[0]?.ref,
        bestScore: answer.sources[0]?.score,
        at: now,
      });
    }
    const reply = replyWithFeedback(state, answer, menu);
    if (deps.handoff && !answer.confident && !inGroup && (state.unsureStreak ?? 0) >= 2) {
      // Two unsure answers in a row: a person is offered (a button, or a number on Zalo), once per two misses.
      state.unsureStreak = 0;
      replies.push({
        ...reply,
        text: `${reply.text}\n\n${H.OFFER}`,
        // The menu under an unsure answer already lists a person: that entry becomes the offer, not a second one.
        buttons: [
          ...(reply.buttons ?? []).filter((b) => b.value !== HANDOFF_ASK),
          { label: H.BTN_ASK_PERSON, value: HANDOFF_OFFER },
        ],
      });
    } else replies.push(reply);
    const later = await reminder(identity, state, inGroup);
    if (later) replies.push(later);
    return replies;
  }

  async function handle(message: IncomingMessage): Promise<OutgoingReply[]> {
    const identity: Identity = { channel: message.channel, userId: message.userId };
    const state: ConversationState = { ...((await deps.state.get(identity)) ?? {}) };
    const previous = state.lastTurn as LastTurn | undefined;
    if (message.id !== undefined && previous?.id === message.id) return previous.replies;
    delete state.lastTurn;
    const text = cleanText(message.text ?? '');
    // At the birth-year step a typed "57" is the year, not the 57th button.
    const typedChoice = text && !formTakesNumber(state, text) ? choiceFromText(text, state.offered) : undefined;
    // "/bangxephang" typed on a channel without slash commands (Zalo, web) is the same choice.
    const choice =
      message.choice?.trim() ||
      typedChoice ||
      (deps.handoff && text && asksForPerson(text) ? HANDOFF_ASK : undefined) ||
      (stats && text ? statsIntent(text) : undefined);
    // Refused before anything changes: the person's open form or offered buttons in their private chat stay as they were.
    if (message.chat === 'group' && asksForPersonal(text, choice, state)) return [privateOnlyReply()];

    let replies: OutgoingReply[];
    if (choice) {
      // Doing something else than answering the open form closes it, so a later text is not taken as a name.
      if (!choice.startsWith('reg:')) delete state.form;
      delete state.qaPending;
      replies = await onChoice(identity, state, choice);
    } else if (!text) {
      replies = [{ kind: 'notice', text: T.EMPTY, buttons: menu }];
    } else if (/^\d{1,2}$/.test(text) && state.offered && state.offered.length > 0 && !formTakesNumber(state, text)) {
      // A number that picks nothing among the offered buttons: say so and offer them again.
      replies = [{ kind: 'notice', text: T.numberOutOfRange(state.offered.length), buttons: state.offered }];
    } else {
      replies = await onText(message, identity, text, state);
    }

    const final = replies[replies.length - 1];
    state.offered = final?.buttons ? final.buttons.map(({ label, value }) => ({ label, value })) : undefined;
    // An empty state (say, after "xóa dữ liệu của tôi") is deleted, not kept alive by the replay record.
    if (Object.keys(state).some((k) => state[k] !== undefined)) {
      if (message.id !== undefined) state.lastTurn = { id: message.id, replies } satisfies LastTurn;
      await deps.state.set(identity, state, deps.clock.now());
    } else await deps.state.delete(identity);
    return replies;
  }

  return { handle, ask };
}
