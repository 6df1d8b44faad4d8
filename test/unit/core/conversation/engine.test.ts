import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../../src/core/conversation/engine.js';
import { MENU_BUTTONS, MENU_TOPICS } from '../../../../src/core/conversation/menu.js';
import * as T from '../../../../src/core/conversation/texts.js';
import type { IncomingMessage, OutgoingReply } from '../../../../src/core/messages.js';
import type { ConversationKey } from '../../../../src/core/ports.js';
import * as QA from '../../../../src/core/qa/texts.js';
import { MemoryConversationRepo, MemoryUnansweredLog } from '../../../../src/storage/memory/index.js';
import {
  documentHit,
  faqEntry,
  faqMatch,
  FakeKnowledgeSearch,
  searchResult,
  type Responder,
} from '../../../fakes/knowledgeSearch.js';
import { fixedClock } from '../../../helpers.js';

const DOC = { ref: 'vneid/muc-2.md', title: 'Định danh điện tử mức 2', url: 'https://vneid.gov.vn' };
const FAQ_A = faqEntry('muc-2', 'Đăng ký định danh mức 2 ở đâu?', 'Đến công an xã mang theo căn cước.', DOC.ref);
const FAQ_B = faqEntry('quen-mk', 'Quên mật khẩu VNeID?', 'Chọn "Quên mật khẩu" trên ứng dụng.', DOC.ref);

/** Weak evidence only: every question ends up "unsure". */
const unsure: Responder = () => searchResult({ documents: [documentHit({ ...DOC, coverage: 0.2, score: 0.31 })] });
/** Strong FAQ evidence: every question gets FAQ_A. */
const confident: Responder = () =>
  searchResult({
    faqs: [faqMatch(FAQ_A, 0.9), faqMatch(FAQ_B, 0.4)],
    documents: [documentHit({ ...DOC, coverage: 0.7 })],
  });

interface Rig {
  engine: Engine;
  search: FakeKnowledgeSearch;
  repo: MemoryConversationRepo;
  log: MemoryUnansweredLog;
  clock: ReturnType<typeof fixedClock>;
  send(text: string, extra?: Partial<IncomingMessage>): Promise<OutgoingReply[]>;
  press(choice: string): Promise<OutgoingReply[]>;
}

const KEY: ConversationKey = { channel: 'web', userId: 'u1' };

function rig(respond: Responder = unsure, repo = new MemoryConversationRepo()): Rig {
  const search = new FakeKnowledgeSearch({ respond, faqs: [FAQ_A, FAQ_B], documents: { [DOC.ref]: DOC } });
  const log = new MemoryUnansweredLog();
  const clock = fixedClock();
  const engine = createEngine({ search, state: repo, unanswered: log, clock });
  return {
    engine,
    search,
    repo,
    log,
    clock,
    send: (text, extra = {}) => engine.handle({ ...KEY, text, ...extra }),
    press: (choice) => engine.handle({ ...KEY, choice }),
  };
}

const allText = (replies: readonly OutgoingReply[]): string => replies.map((r) => r.text).join('\n');

describe('engine: small talk and odd input', () => {
  it('welcomes a greeting with the menu buttons', async () => {
    const replies = await rig().send('xin chào');
    expect(replies).toEqual([{ kind: 'menu', text: T.WELCOME, buttons: MENU_BUTTONS }]);
  });

  it.each(['', '   ', '\n\t', '\u200B\uFEFF'])('answers the empty message %j politely', async (text) => {
    const r = rig();
    const replies = await r.send(text);
    expect(replies).toEqual([{ kind: 'notice', text: T.EMPTY, buttons: MENU_BUTTONS }]);
    expect(r.search.calls).toEqual([]);
  });

  it('answers a message with no text at all', async () => {
    expect(await rig().engine.handle({ ...KEY })).toEqual([{ kind: 'notice', text: T.EMPTY, buttons: MENU_BUTTONS }]);
  });

  it('answers emoji-only messages without searching: friendly ones with thanks, others as not understood', async () => {
    const r = rig();
    expect(await r.send('😀👍🙏')).toEqual([{ kind: 'notice', text: T.THANKS }]);
    expect(await r.send('👍')).toEqual([{ kind: 'notice', text: T.THANKS }]);
    expect(await r.send('🤔🤔')).toEqual([{ kind: 'notice', text: T.NONSENSE, buttons: MENU_BUTTONS }]);
    expect(r.search.calls).toEqual([]);
  });

  it('reads only the start of a 10,000-character message, says so, and still answers', async () => {
    const r = rig(confident);
    const replies = await r.send('đăng ký định danh mức 2 ở đâu '.repeat(400).slice(0, 10_000));
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toBe(T.TOO_LONG);
    expect(replies[1]?.text).toContain(FAQ_A.answer);
    expect(r.search.calls[0]?.question.length).toBeLessThanOrEqual(2000);
  });

  it('treats markup as plain text and never echoes it', async () => {
    const r = rig();
    const replies = await r.send('<script>alert(1)</script>');
    expect(replies.length).toBeGreaterThan(0);
    expect(allText(replies)).not.toContain('<script>');
    expect(r.search.calls[0]?.question).toBe('<script>alert(1)</script>');
  });
});

describe('engine: secrets and personal numbers', () => {
  const PASSWORD = 'Hn@2024xyz';
  const OTP = '482913';

  it('warns first about a password, and the password goes nowhere', async () => {
    const r = rig();
    const replies = await r.send(`mật khẩu vneid là ${PASSWORD} mà sao không đăng nhập được vậy`);
    expect(replies[0]?.text).toBe(T.secretWarning(['password']));
    expect(replies.length).toBe(2);
    expect(allText(replies)).not.toContain(PASSWORD);
    expect(JSON.stringify(r.search.calls)).not.toContain(PASSWORD);
    expect(r.log.entries).toHaveLength(1);
    expect(JSON.stringify(r.log.entries)).not.toContain(PASSWORD);
    expect(JSON.stringify(r.repo.get(KEY) ?? {})).not.toContain(PASSWORD);
  });

  it('warns about an OTP sent on its own and keeps it out of every store', async () => {
    const r = rig();
    const replies = await r.send(`OTP: ${OTP}`);
    expect(replies).toEqual([{ kind: 'notice', text: T.secretWarning(['otp']) }]);
    expect(r.search.calls).toEqual([]);
    expect(r.log.entries).toEqual([]);
    expect(JSON.stringify(r.repo.get(KEY) ?? {})).not.toContain(OTP);
  });

  it('logs an unsure question with the phone number masked, time and best source included', async () => {
    const r = rig(unsure);
    const replies = await r.send('số 0912345678 của tôi không nhận được tin nhắn kích hoạt tài khoản');
    expect(replies[0]?.text).not.toContain('⚠️'); // a phone number alone is not a secret
    expect(r.log.entries).toHaveLength(1);
    const entry = r.log.entries[0]!;
    expect(entry.question).not.toMatch(/\d/);
    expect(entry.question).toContain('[số điện thoại đã ẩn]');
    expect(entry).toMatchObject({ channel: 'web', bestRef: DOC.ref, bestScore: 0.31 });
    expect(entry.at.toISOString()).toBe(r.clock.now().toISOString());
    expect(JSON.stringify(r.search.calls)).not.toContain('0912345678');
  });
});

describe('engine: answers and the unanswered log', () => {
  it('gives an unsure answer with the menu and counts the streak; a confident one resets it', async () => {
    const r = rig(unsure);
    const first = await r.send('thủ tục chuyển khẩu');
    expect(first[0]?.text).toContain(QA.UNSURE);
    expect(first[0]?.buttons).toEqual(MENU_BUTTONS);
    expect(first[0]?.sources).toBeUndefined();
    await r.send('thủ tục tách hộ');
    expect(r.repo.get(KEY)?.unsureStreak).toBe(2);
    expect(r.log.entries.map((e) => e.question)).toEqual(['thủ tục chuyển khẩu', 'thủ tục tách hộ']);

    r.search.respondWith(confident);
    const answer = await r.send('đăng ký định danh mức 2 ở đâu');
    expect(answer[0]?.text).toContain(FAQ_A.answer);
    expect(answer[0]?.sources).toEqual([{ title: DOC.title, ref: DOC.ref, url: DOC.url }]);
    // The first answer on a topic asks once whether it helped, before the related questions.
    expect(answer[0]?.text).toContain(T.FEEDBACK_QUESTION);
    expect(answer[0]?.buttons).toEqual([
      { label: T.BTN_HELPFUL, value: 'fb:up' },
      { label: T.BTN_NOT_HELPFUL, value: 'fb:down' },
      { label: FAQ_B.question, value: `faq:${FAQ_B.id}` },
    ]);
    expect(r.repo.get(KEY)?.unsureStreak).toBe(0);
    expect(r.log.entries).toHaveLength(2);
  });
});

describe('engine: buttons and choices', () => {
  it('answers a pressed "faq:<id>" button with that FAQ and its source', async () => {
    const replies = await rig(confident).press(`faq:${FAQ_B.id}`);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(FAQ_B.question);
    expect(replies[0]?.text).toContain(FAQ_B.answer);
    expect(replies[0]?.text).toContain(`${QA.SOURCE_LABEL}: ${DOC.title} – ${DOC.url}`);
    expect(replies[0]?.sources).toEqual([{ title: DOC.title, ref: DOC.ref, url: DOC.url }]);
    expect(replies[0]?.buttons?.map((b) => b.value)).toEqual([`faq:${FAQ_A.id}`]);
  });

  it.each(['faq:khong-con', 'menu:da-xoa', 'something-else'])(
    'answers the stale choice %j with the menu',
    async (c) => {
      expect(await rig().press(c)).toEqual([{ kind: 'notice', text: T.STALE_CHOICE, buttons: MENU_BUTTONS }]);
    },
  );

  it('lets a typed number pick the button offered last (text-only channels)', async () => {
    const r = rig(confident);
    await r.send('chào bạn');
    const topic = await r.send('2'); // second menu button
    expect(topic[0]?.text).toBe(T.MENU_PROMPT);
    expect(r.search.calls.at(-1)?.question).toBe(MENU_TOPICS[1]?.query);
    expect(topic[0]?.buttons?.map((b) => b.value)).toEqual([`faq:${FAQ_A.id}`, `faq:${FAQ_B.id}`]);
    const faq = await r.send('2');
    expect(faq[0]?.text).toContain(FAQ_B.answer);
  });

  it('treats a number as a question when nothing was offered', async () => {
    const r = rig(unsure);
    const replies = await r.send('2');
    expect(replies[0]?.text).toContain(QA.UNSURE);
    expect(r.search.calls[0]?.question).toBe('2');
  });

  it('keeps the offered buttons across a restart over the same repo', async () => {
    const repo = new MemoryConversationRepo();
    await rig(confident, repo).send('xin chào');
    const after = rig(confident, repo);
    const replies = await after.send('1');
    expect(replies[0]?.text).toBe(T.MENU_PROMPT);
    expect(after.search.calls[0]?.question).toBe(MENU_TOPICS[0]?.query);
  });

  it('keeps users apart', async () => {
    const repo = new MemoryConversationRepo();
    const r = rig(unsure, repo);
    await r.send('xin chào');
    const other = await r.engine.handle({ channel: 'web', userId: 'u2', text: '1' });
    expect(other[0]?.text).toContain(QA.UNSURE);
    const sameIdOtherChannel = await r.engine.handle({ channel: 'telegram', userId: 'u1', text: '1' });
    expect(sameIdOtherChannel[0]?.text).toContain(QA.UNSURE);
  });
});
