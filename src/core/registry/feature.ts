/**
 * @module core/registry/feature
 *
 * The citizen side of the conversation: the consent notice and the short
 * profile form (every step skippable), viewing and deleting one's own data,
 * and joining a second channel with a one-time link code. The form's step
 * lives in the conversation state, so a resident can answer it hours later or
 * after a restart.
 */
import type { OutgoingReply, ReplyButton } from '../messages.js';
import type { AttemptRepo, CitizenRepo, Clock, ConversationState, ConversationStateRepo, Random } from '../ports.js';
import { LINK_CODE_PATTERN, newId, newLinkCode } from '../random.js';
import { createLinkGuard, linkGuardKeys, type LinkGuard } from './linkGuard.js';
import { cleanText, foldMarks } from '../text/normalize.js';
import * as T from './texts.js';
import type { Citizen, CommuneInfo, Identity } from './types.js';

export const LINK_CODE_MINUTES = 15;
/** How long a "delete my data" confirmation button stays valid. */
const DELETE_CONFIRM_MS = 10 * 60_000;

export type FormStep = 'consent' | 'name' | 'hamlet' | 'group' | 'birthYear';

export interface FormState {
  readonly step: FormStep;
  /** The choice to carry out when the form ends (e.g. the quiz the resident wanted). */
  readonly then?: string;
}

export interface RegistryDeps {
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  readonly conversations: ConversationStateRepo;
  readonly commune: CommuneInfo;
  readonly random: Random;
  readonly clock: Clock;
  /** Limits on failed link codes (an in-memory guard on `clock` when absent). */
  readonly linkGuard?: LinkGuard;
}

/** Outcome of a registry step: replies, and optionally a choice to run next (the form's `then`). */
export interface RegistryOutcome {
  readonly replies: OutgoingReply[];
  readonly next?: string;
}

const SKIP = 'reg:skip';

/**
 * "thôi không làm nữa", "dừng lại", "dung lai", "thoi": the resident wants out
 * of what they are doing (a quiz, the form). Polite particles may follow.
 */
const STOP =
  /^(?:thoi(?: thi)? )?(?:(?:dung|ngung|thoat|huy)(?: lai)?(?: (?:lam|lam bai|bai|bai kiem tra|kiem tra))?|thoi|stop|(?:toi |minh |em |tui )?(?:khong|ko|k|hong|chang)(?: muon)? (?:lam|choi|thi)(?: bai| tiep)?(?: nua)?(?: dau)?)(?: (?:a|nhe|nha|di|thoi|luon|nua))*$/;

/**
 * One word that folds to a stop word but is more likely a name or another
 * word: "Huy" is a name, "dũng"/"dùng" are other words, and "Dung" typed at
 * the form's name step is someone's name, not "dừng".
 */
function ambiguousStop(text: string, folded: string, state?: ConversationState): boolean {
  if (folded === 'huy') return true;
  if (folded !== 'dung') return false;
  const word = cleanText(text)
    .toLowerCase()
    .replace(/[^\p{L}]+/gu, '');
  if (word === 'dừng') return false;
  return word !== 'dung' || (state?.form as FormState | undefined)?.step === 'name';
}

/**
 * The choice a typed sentence stands for ("xóa dữ liệu của tôi" → me:delete),
 * if any. The conversation state, when given, keeps a name typed into the
 * form from being read as a command.
 */
export function intentOf(text: string, state?: ConversationState): string | undefined {
  const t = foldMarks(cleanText(text))
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (STOP.test(t) && !ambiguousStop(text, t, state)) return 'quiz:stop';
  if (/^\/?(quiz|lam bai( kiem tra| thi| trac nghiem)?|(bai )?kiem tra|trac nghiem|thi thu|lam bai kt)$/.test(t)) {
    return 'quiz:list';
  }
  if (/^\/?((xem )?ket ?qua( cua (toi|minh|em|tui))?|ketqua)$/.test(t)) return 'me:results';
  if (/^\/?(xoa (het |toan bo )?du lieu( cua (toi|minh|em|tui))?|xoadulieu)$/.test(t)) return 'me:delete';
  if (/^(xem )?(du lieu|thong tin) (cua )?(toi|minh|em|tui)$/.test(t)) return 'me:data';
  if (/^\/?(lien ket( tai khoan)?|lienket|tao ma lien ket)$/.test(t)) return 'me:link';
  return undefined;
}

/** Ages a two-digit birth year may give: "57" is 1957 for someone of 69, "08" 2008 for a pupil of 18. */
const PLAUSIBLE_AGE = { min: 5, max: 100 } as const;

/**
 * The birth year in what was typed at the form's step: four digits, or two
 * ("57", as older people often write it) read as 19xx when that gives a
 * plausible age and as 20xx otherwise; "năm 1957" and "sinh năm 57" too.
 * Undefined when it is not a year from 1900 to `thisYear`.
 */
export function birthYearOf(text: string, thisYear: number): number | undefined {
  const digits = /^(?:sinh )?(?:nam )?(\d{2}|\d{4})$/.exec(
    foldMarks(cleanText(text))
      .replace(/[.!]+$/, '')
      .replace(/\s+/g, ' '),
  )?.[1];
  if (digits === undefined) return undefined;
  const plausible = (year: number): boolean =>
    thisYear - year >= PLAUSIBLE_AGE.min && thisYear - year <= PLAUSIBLE_AGE.max;
  let year = Number(digits);
  if (digits.length === 2) {
    const candidates = [1900 + year, 2000 + year].filter(plausible);
    if (candidates[0] === undefined) return undefined;
    year = candidates[0];
  }
  return year >= 1900 && year <= thisYear ? year : undefined;
}

/**
 * Whether the open form step takes this typed number itself: at the birth
 * year step, "57" is a year, not the 57th button (which would get "there is
 * only one choice"). A single digit that picks a listed button still picks it.
 */
export function formTakesNumber(state: ConversationState, text: string): boolean {
  if ((state.form as FormState | undefined)?.step !== 'birthYear' || !/^\d+$/.test(text.trim())) return false;
  const n = Number(text.trim());
  return !(text.trim().length === 1 && n >= 1 && n <= (state.offered?.length ?? 0));
}

/**
 * "liên kết K7P2QX9M" or "/lienket K7P2QX9M": the code, upper-cased. People copy a code
 * the way they read it aloud, in two halves ("X6D9 99YA", "x6d9-99ya"), so a space, dot or
 * dash inside it is dropped. A bare code is not taken: any eight-letter word ("THANKYOU")
 * would otherwise be tried as one.
 */
export function linkCodeIn(text: string): string | undefined {
  const m =
    /^(?:\/?(?:li[eê]n\s*k[eế]t|lienket|m[aã]\s*li[eê]n\s*k[eế]t|link)\s*:?\s*)([a-z0-9](?:[\s.-]{0,2}[a-z0-9]){7})$/iu.exec(
      cleanText(text),
    );
  const code = m?.[1]?.replace(/[\s.-]/g, '').toUpperCase();
  return code && LINK_CODE_PATTERN.test(code) ? code : undefined;
}

export function createRegistryFeature(deps: RegistryDeps) {
  const { citizens, commune } = deps;

  function stepReply(step: FormStep): OutgoingReply {
    const skip: ReplyButton = { label: T.BTN_SKIP, value: SKIP };
    switch (step) {
      case 'consent':
        return {
          kind: 'form',
          text: T.CONSENT,
          buttons: [
            { label: T.BTN_AGREE, value: 'reg:yes' },
            { label: T.BTN_SKIP_ALL, value: 'reg:no' },
          ],
        };
      case 'name':
        return { kind: 'form', text: T.ASK_NAME, buttons: [skip] };
      case 'hamlet':
        return {
          kind: 'form',
          text: T.ASK_HAMLET,
          buttons: [...commune.hamlets.map((h) => ({ label: h.name, value: `reg:h:${h.id}` })), skip],
        };
      case 'group':
        return {
          kind: 'form',
          text: T.ASK_GROUP,
          buttons: [...commune.groups.map((g) => ({ label: g.name, value: `reg:g:${g.id}` })), skip],
        };
      case 'birthYear':
        return { kind: 'form', text: T.ASK_BIRTH_YEAR, buttons: [skip] };
    }
  }

  /** The step after `step`, skipping lists the commune has not filled in. */
  function after(step: FormStep): FormStep | undefined {
    const order: FormStep[] = ['consent', 'name', 'hamlet', 'group', 'birthYear'];
    for (let i = order.indexOf(step) + 1; i < order.length; i++) {
      const s = order[i] as FormStep;
      if (s === 'hamlet' && commune.hamlets.length === 0) continue;
      if (s === 'group' && commune.groups.length === 0) continue;
      return s;
    }
    return undefined;
  }

  function advance(state: ConversationState, form: FormState): RegistryOutcome {
    const next = after(form.step);
    if (next) {
      state.form = { step: next, then: form.then };
      return { replies: [stepReply(next)] };
    }
    delete state.form;
    return { replies: [{ kind: 'form', text: T.FORM_DONE }], next: form.then };
  }

  /** Starts the form (consent first); `then` runs when it ends. */
  function startForm(state: ConversationState, then?: string): RegistryOutcome {
    state.form = { step: 'consent', then };
    return { replies: [stepReply('consent')] };
  }

  /** Handles `reg:*` choices while a form is open. */
  async function onFormChoice(
    citizen: Citizen,
    state: ConversationState,
    choice: string,
  ): Promise<RegistryOutcome | undefined> {
    const form = state.form as FormState | undefined;
    if (!choice.startsWith('reg:')) return undefined;
    if (!form) return { replies: [{ kind: 'notice', text: T.FORM_CLOSED }] };
    const now = deps.clock.now();
    if (choice === 'reg:no' && form.step === 'consent') {
      await citizens.update(citizen.id, { consent: 'declined' }, now);
      delete state.form;
      return { replies: [{ kind: 'form', text: T.FORM_SKIPPED }], next: form.then };
    }
    if (choice === 'reg:yes' && form.step === 'consent') {
      await citizens.update(citizen.id, { consent: 'given' }, now);
      return advance(state, form);
    }
    if (choice === SKIP) return advance(state, form);
    const hamlet = /^reg:h:(.+)$/.exec(choice)?.[1];
    if (hamlet && form.step === 'hamlet' && commune.hamlets.some((h) => h.id === hamlet)) {
      await citizens.update(citizen.id, { profile: { ...citizen.profile, hamlet } }, now);
      return advance(state, form);
    }
    const group = /^reg:g:(.+)$/.exec(choice)?.[1];
    if (group && form.step === 'group' && commune.groups.some((g) => g.id === group)) {
      await citizens.update(citizen.id, { profile: { ...citizen.profile, group } }, now);
      return advance(state, form);
    }
    // A button from an earlier step: repeat the current one.
    return { replies: [stepReply(form.step)] };
  }

  /** Typed answers to the open form step (name, birth year); undefined when no typed step is open. */
  async function onFormText(
    citizen: Citizen,
    state: ConversationState,
    text: string,
  ): Promise<RegistryOutcome | undefined> {
    const form = state.form as FormState | undefined;
    if (!form) return undefined;
    const now = deps.clock.now();
    if (form.step === 'name') {
      const name = cleanText(text).replace(/\s+/g, ' ');
      if (!/^[\p{L}][\p{L}\p{M} .'-]{0,59}$/u.test(name))
        return { replies: [{ kind: 'form', text: T.BAD_NAME }, stepReply('name')] };
      await citizens.update(citizen.id, { profile: { ...citizen.profile, displayName: name } }, now);
      return advance(state, form);
    }
    if (form.step === 'birthYear') {
      const year = birthYearOf(text, now.getUTCFullYear());
      if (year === undefined) return { replies: [{ kind: 'form', text: T.BAD_BIRTH_YEAR }, stepReply('birthYear')] };
      await citizens.update(citizen.id, { profile: { ...citizen.profile, birthYear: year } }, now);
      return advance(state, form);
    }
    // Steps answered with buttons: a typed question is left to the Q&A, with the step repeated after it.
    return undefined;
  }

  function formReminder(state: ConversationState): OutgoingReply | undefined {
    const form = state.form as FormState | undefined;
    return form ? stepReply(form.step) : undefined;
  }

  async function dataView(citizen: Citizen): Promise<OutgoingReply[]> {
    const ids = await citizens.identities(citizen.id);
    const results = await deps.attempts.results(citizen.id);
    const p = citizen.profile;
    const text = T.dataView({
      name: p.displayName,
      hamlet: commune.hamlets.find((h) => h.id === p.hamlet)?.name ?? p.hamlet,
      group: commune.groups.find((g) => g.id === p.group)?.name ?? p.group,
      birthYear: p.birthYear,
      channels: [...new Set(ids.map((i) => i.channel))],
      passed: results.filter((r) => r.firstPassedAt).length,
      consent: citizen.consent === 'given' ? 'có' : citizen.consent === 'declined' ? 'không' : 'chưa hỏi',
    });
    return [
      {
        kind: 'personal',
        text,
        buttons: [
          { label: T.BTN_UPDATE_PROFILE, value: 'me:profile' },
          { label: T.BTN_LINK, value: 'me:link' },
          { label: T.BTN_DELETE, value: 'me:delete' },
        ],
      },
    ];
  }

  /** Handles `me:*` choices (except results, which belong to the quiz feature). */
  async function onMeChoice(
    identity: Identity,
    citizen: Citizen | undefined,
    state: ConversationState,
    choice: string,
  ): Promise<RegistryOutcome | undefined> {
    switch (choice) {
      case 'me:data':
        return { replies: citizen ? await dataView(citizen) : [{ kind: 'personal', text: T.NO_DATA }] };
      case 'me:profile':
        return startForm(state);
      case 'me:delete':
        // Someone who never took a quiz may still have questions on record, so they are asked too.
        // The confirmation is valid for a few minutes only: an old button pressed days later deletes nothing.
        state.confirmDelete = deps.clock.now().getTime() + DELETE_CONFIRM_MS;
        return {
          replies: [
            {
              kind: 'personal',
              text: T.DELETE_CONFIRM,
              buttons: [
                { label: T.BTN_DELETE_YES, value: 'me:delete:yes' },
                { label: T.BTN_DELETE_NO, value: 'me:delete:no' },
              ],
            },
          ],
        };
      case 'me:delete:yes': {
        const until = typeof state.confirmDelete === 'number' ? state.confirmDelete : 0;
        if (until < deps.clock.now().getTime()) return { replies: [{ kind: 'personal', text: T.NOT_DELETED }] };
        const ids = citizen ? await citizens.identities(citizen.id) : [];
        await citizens.erase(identity);
        for (const id of ids)
          if (id.channel !== identity.channel || id.userId !== identity.userId) await deps.conversations.delete(id);
        for (const key of Object.keys(state)) delete state[key];
        return { replies: [{ kind: 'personal', text: T.DELETED, forget: true }] };
      }
      case 'me:delete:no':
        delete state.confirmDelete;
        return { replies: [{ kind: 'personal', text: T.NOT_DELETED }] };
      case 'me:link': {
        const owner = citizen ?? (await citizens.ensure(identity, newId(deps.random), deps.clock.now()));
        const code = newLinkCode(deps.random);
        const expires = new Date(deps.clock.now().getTime() + LINK_CODE_MINUTES * 60_000);
        await citizens.createLinkCode(owner.id, code, expires);
        return { replies: [{ kind: 'personal', text: T.linkCode(code, LINK_CODE_MINUTES) }] };
      }
      default:
        return undefined;
    }
  }

  const linkGuard = deps.linkGuard ?? createLinkGuard(deps.clock);

  /** `network`: the sender's address when the channel knows it (the web), so a fresh cookie is no fresh start. */
  async function redeem(identity: Identity, code: string, network?: string): Promise<OutgoingReply[]> {
    const keys = linkGuardKeys(identity, network);
    if (!linkGuard.allows(keys)) return [{ kind: 'personal', text: T.LINK_LOCKED }];
    const r = await citizens.redeemLinkCode(code, identity, deps.clock.now());
    if (r.ok) return [{ kind: 'personal', text: T.LINKED }];
    if (r.reason !== 'same-citizen') linkGuard.failed(keys);
    const text = r.reason === 'unknown' ? T.LINK_UNKNOWN : r.reason === 'expired' ? T.LINK_EXPIRED : T.LINK_SAME;
    return [{ kind: 'personal', text }];
  }

  return { startForm, onFormChoice, onFormText, formReminder, onMeChoice, redeem };
}

export type RegistryFeature = ReturnType<typeof createRegistryFeature>;
