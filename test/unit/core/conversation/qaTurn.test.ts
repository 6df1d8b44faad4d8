/**
 * The conversation around an answer: follow-ups read in the last topic,
 * "did you mean" choices when unsure, 👍 / 👎 once per topic, and the
 * unanswered log telling real misses from unclear questions.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/core/conversation/engine.js';
import * as T from '../../../../src/core/conversation/texts.js';
import type { PassageHit, SearchResult } from '../../../../src/core/ports.js';
import * as QA from '../../../../src/core/qa/texts.js';
import { MemoryConversationRepo, MemoryUnansweredLog } from '../../../../src/storage/memory/index.js';
import { documentHit, FakeKnowledgeSearch, searchResult } from '../../../fakes/knowledgeSearch.js';
import { fixedClock } from '../../../helpers.js';

const LEVEL2 = { ref: 'vneid/muc-2.md', title: 'Định danh mức 2' };
const WHERE: PassageHit = {
  id: 7,
  docRef: LEVEL2.ref,
  heading: 'Đăng ký mức 2 ở đâu?',
  text: 'Bà con mang thẻ căn cước đến công an xã để đăng ký mức 2.',
  score: 0.5,
  coverage: 0.5,
};

/** Confident on "mức 2" questions (and on anything read in that topic), weak otherwise. */
function respond(q: string): SearchResult {
  const onTopic = /mức 2|muc 2|định danh|dinh danh/i.test(q);
  return searchResult({
    documents: [documentHit({ ...LEVEL2, coverage: onTopic ? 0.9 : 0.4, text: WHERE.text, heading: WHERE.heading })],
    passages: onTopic ? undefined : [WHERE],
  });
}

function rig() {
  const search = new FakeKnowledgeSearch({ respond, documents: { [LEVEL2.ref]: LEVEL2 }, passages: [WHERE] });
  const log = new MemoryUnansweredLog();
  const repo = new MemoryConversationRepo();
  const clock = fixedClock();
  const engine = createEngine({ search, state: repo, unanswered: log, clock });
  const key = { channel: 'web' as const, userId: 'u1' };
  return {
    search,
    log,
    clock,
    send: (text: string) => engine.handle({ ...key, text }),
    press: (choice: string) => engine.handle({ ...key, choice }),
  };
}

describe('follow-up questions', () => {
  it('reads an elliptic question in the topic of the last answer, and forgets it after a quiet spell', async () => {
    const r = rig();
    await r.send('đăng ký định danh mức 2 thế nào');
    const follow = await r.send('làm ở đâu?');
    expect(r.search.calls.at(-1)?.question).toMatch(/dinh danh/);
    expect(follow[0]?.text).toContain('công an xã');
    r.clock.set('2026-12-01T09:00:00.000Z');
    await r.send('làm ở đâu?');
    expect(r.search.calls.at(-1)?.question).toBe('làm ở đâu?');
  });

  it('does not take "bao lâu thì có kết quả" for a topic of its own', async () => {
    const r = rig();
    await r.send('đăng ký định danh mức 2 thế nào');
    await r.send('bao lâu thì có kết quả');
    expect(r.search.calls.at(-1)?.question).toMatch(/dinh danh/);
  });

  it('keeps a question that names its own topic as it is', async () => {
    const r = rig();
    await r.send('đăng ký định danh mức 2 thế nào');
    await r.send('cách nhận biết tin nhắn lừa đảo giả danh ngân hàng qua điện thoại');
    expect(r.search.calls.at(-1)?.question).toBe('cách nhận biết tin nhắn lừa đảo giả danh ngân hàng qua điện thoại');
  });
});

describe('a "not sure" that still helps', () => {
  it('offers the closest pages as choices, and a picked one is answered with its source', async () => {
    const r = rig();
    const unsure = await r.send('thủ tục chuyển khẩu cho con');
    expect(unsure[0]?.text).toContain(QA.UNSURE);
    expect(unsure[0]?.text).toContain(QA.DID_YOU_MEAN);
    expect(unsure[0]?.buttons).toEqual([{ label: WHERE.heading, value: 'pg:7' }]);
    const picked = await r.press('pg:7');
    expect(picked[0]?.text).toContain(WHERE.text);
    expect(picked[0]?.text).toContain(`${QA.SOURCE_LABEL}: ${LEVEL2.title}`);
    expect(picked[0]?.text).not.toContain(WHERE.heading);
  });

  it('answers a stale or malformed passage choice as stale', async () => {
    expect((await rig().press('pg:999'))[0]?.text).toBe(T.STALE_CHOICE);
    expect((await rig().press('pg:abc'))[0]?.text).toBe(T.STALE_CHOICE);
  });

  it('asks what a question without a topic is about, and logs it as unclear, not as a miss', async () => {
    const r = rig();
    const replies = await r.send('can giay to gi');
    expect(replies[0]?.text).toBe(QA.NEED_TOPIC);
    expect(r.log.entries.map((e) => e.kind)).toEqual(['unclear']);
  });
});

describe('feedback on answers', () => {
  it('asks once per topic; a 👎 stores the question with the answer given', async () => {
    const r = rig();
    const first = await r.send('đăng ký định danh mức 2 ở đâu');
    expect(first[0]?.text).toContain(T.FEEDBACK_QUESTION);
    const again = await r.send('định danh mức 2 cần mang gì');
    expect(again[0]?.text).not.toContain(T.FEEDBACK_QUESTION);
    const down = await r.press('fb:down');
    expect(down[0]?.text).toContain(T.FEEDBACK_SORRY);
    expect(r.log.entries).toHaveLength(1);
    expect(r.log.entries[0]).toMatchObject({ kind: 'thumbs-down', question: 'định danh mức 2 cần mang gì' });
    expect(r.log.entries[0]?.answer).toContain('công an xã');
    // The answer is taken once: a second 👎 stores nothing more.
    await r.press('fb:down');
    expect(r.log.entries).toHaveLength(1);
  });

  it('takes a typed 👍 or 👎 after an answer as feedback', async () => {
    const r = rig();
    await r.send('đăng ký định danh mức 2 ở đâu');
    expect((await r.send('👍'))[0]?.text).toBe(T.FEEDBACK_THANKS);
    await r.send('định danh mức 2 cần mang giấy tờ gì');
    await r.send('👎');
    expect(r.log.entries.map((e) => e.kind)).toEqual(['thumbs-down']);
  });
});

describe('language', () => {
  it.each(['can giay to gi', 'lam the nao', 'can lam gi', 'in to khai o dau'])(
    'never refuses Vietnamese typed without marks (%j) as English',
    async (text) => {
      const replies = await rig().send(text);
      expect(replies[0]?.text).not.toBe(T.ENGLISH);
    },
  );

  it('answers English with the menu buttons', async () => {
    const replies = await rig().send('How do I register an account?');
    expect(replies[0]?.text).toBe(T.ENGLISH);
    expect(replies[0]?.buttons?.length).toBeGreaterThan(0);
  });
});

describe('where to ask a person', () => {
  it('ends an unsure reply with the contacts staff filled in', async () => {
    const search = new FakeKnowledgeSearch({ respond, documents: { [LEVEL2.ref]: LEVEL2 } });
    const engine = createEngine({
      search,
      state: new MemoryConversationRepo(),
      unanswered: new MemoryUnansweredLog(),
      clock: fixedClock(),
      // A test value, not a real office.
      contacts: { office: { phone: '0200 000 000', hours: 'sáng thứ Hai đến thứ Sáu' }, digitalTeams: [] },
    });
    const replies = await engine.handle({ channel: 'zalo', userId: 'z1', text: 'thủ tục chuyển khẩu cho con' });
    expect(replies[0]?.text).toContain('0200 000 000');
    expect(replies[0]?.text).toContain('sáng thứ Hai đến thứ Sáu');
    expect(replies[0]?.text).not.toContain(QA.WHERE_TO_ASK);
  });
});

describe('a question without a topic, then its topic', () => {
  it('completes "cần giấy tờ gì?" with the topic the resident gives next', async () => {
    const r = rig();
    await r.send('can giay to gi');
    await r.send('định danh mức 2');
    expect(r.search.calls.at(-1)?.question).toMatch(/định danh mức 2 can giay to gi/);
  });

  it('forgets the unfinished question after one message', async () => {
    const r = rig();
    await r.send('can giay to gi');
    await r.send('xin chào');
    await r.send('định danh mức 2');
    expect(r.search.calls.at(-1)?.question).toBe('định danh mức 2');
  });
});
