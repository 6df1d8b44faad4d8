import { describe, expect, it } from 'vitest';
import { groupQuestions, type QuestionGroup } from '../../../../src/core/learning/grouping.js';
import { typoMap } from '../../../../src/core/learning/typos.js';

const inputs = (texts: readonly string[]): { id: string; text: string }[] =>
  texts.map((text, i) => ({ id: String(i + 1), text }));

/** The texts of each group, in group order. */
function textsOf(texts: readonly string[], groups: readonly QuestionGroup[]): string[][] {
  return groups.map((g) => g.members.map((i) => texts[i] ?? ''));
}

function together(texts: readonly string[], a: string, b: string): boolean {
  const groups = groupQuestions(inputs(texts));
  return groups.some((g) => g.members.some((i) => texts[i] === a) && g.members.some((i) => texts[i] === b));
}

const MIXED = [
  'Quên mật khẩu VNeID phải làm sao?',
  'quen mat khau vneid lam sao',
  'Quên mật khẩu VNeID phải làm sao?'.normalize('NFD'),
  'quen mat khau vneidd thi lam the nao',
  'đăng ký khai sinh online như thế nào',
  'dang ky khai sinh truc tuyen',
  'giá vàng hôm nay',
  'VNeID là gì?',
  'VNeID ở đâu?',
];

describe('groupQuestions', () => {
  it('puts a question with marks, without marks, in NFD and with a typo in one group', () => {
    const groups = groupQuestions(inputs(MIXED));
    expect(textsOf(MIXED, groups)[0]).toEqual(MIXED.slice(0, 4));
  });

  it('groups chat shorthand with the full words', () => {
    expect(
      together(
        ['số điện thoại đăng ký VNeID không đúng', 'sdt dk vneid ko dung'],
        'số điện thoại đăng ký VNeID không đúng',
        'sdt dk vneid ko dung',
      ),
    ).toBe(true);
  });

  it('keeps unrelated questions, and different questions about one topic, apart', () => {
    const groups = groupQuestions(inputs(MIXED));
    const find = (t: string): number => groups.findIndex((g) => g.members.some((i) => MIXED[i] === t));
    expect(find('giá vàng hôm nay')).not.toBe(find('Quên mật khẩu VNeID phải làm sao?'));
    expect(find('VNeID là gì?')).not.toBe(find('VNeID ở đâu?'));
    expect(find('đăng ký khai sinh online như thế nào')).not.toBe(find('Quên mật khẩu VNeID phải làm sao?'));
    expect(groups).toHaveLength(5);
  });

  it('is deterministic: the same input gives the same groups and ids', () => {
    expect(groupQuestions(inputs(MIXED))).toEqual(groupQuestions(inputs(MIXED)));
    expect(groupQuestions(inputs(MIXED))[0]?.id).toBe('q:1');
  });

  it('lets a new question join a seed group, which keeps its id, before any new group forms', () => {
    const texts = ['quen mat khau vneid', 'giá vàng hôm nay'];
    const groups = groupQuestions(inputs(texts), {
      seeds: [{ id: 'ignored-1', anchors: ['Quên mật khẩu VNeID phải làm sao?'] }],
    });
    expect(groups[0]).toMatchObject({ id: 'ignored-1', seedId: 'ignored-1', leader: 0, members: [0] });
    expect(groups[1]).toMatchObject({ id: 'q:2', members: [1] });
  });

  it('returns a seed with no new member, and nothing for no input', () => {
    expect(groupQuestions([], { seeds: [{ id: 's', anchors: ['abc'] }] })).toEqual([
      { id: 's', seedId: 's', members: [] },
    ]);
    expect(groupQuestions([])).toEqual([]);
  });

  it('handles a question with no words at all as its own group', () => {
    const groups = groupQuestions(inputs(['???', '😀', 'quen mat khau']));
    expect(groups).toHaveLength(3);
  });
});

describe('typoMap', () => {
  it('maps a malformed token onto the better-attested one, never a well-formed syllable', () => {
    const map = typoMap(
      new Map([
        ['vneid', 5],
        ['vneidd', 1],
        ['bong', 1],
        ['bang', 4],
      ]),
    );
    expect(map.get('vneidd')).toBe('vneid');
    expect(map.has('bong')).toBe(false);
    expect(map.has('vneid')).toBe(false);
  });
});
