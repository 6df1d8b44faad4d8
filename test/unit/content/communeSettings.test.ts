/**
 * The console's commune settings obey the same rules as commune.yaml (one
 * validator for both), lay over the file section by section, refuse to take
 * away a used hamlet id, and export back to a commune.yaml that reads the same.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  applyOverrides,
  checkContactsInput,
  checkHamletsInput,
  CONSOLE_HAMLETS,
  idsTakenAway,
  usedIdRefusals,
} from '../../../src/content/communeSettings.js';
import { communeToYaml } from '../../../src/content/communeYaml.js';
import { DEFAULT_COMMUNE, parseCommune, type CommuneConfig } from '../../../src/content/loadCommune.js';
import type { HamletUsage } from '../../../src/core/stores/communeSettings.js';

const NONE: HamletUsage = { citizens: 0, anonymous: 0, population: 0, staff: 0 };

/** commune.yaml with only `hamlets` varying, parsed by the file's loader. */
function yamlProblems(hamlets: unknown): string[] {
  const file = stringify({
    name: 'Xã Thử',
    hamlets,
    groups: [{ id: 'khac', name: 'Khác' }],
    core_quizzes: ['vneid-co-ban'],
  });
  return parseCommune(Buffer.from(file)).problems;
}

describe('hamlets typed in the console follow the rules of commune.yaml', () => {
  it.each([
    [
      'a good list',
      [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'khoi-tan-hung', name: 'Khối Tân Hùng' },
      ],
    ],
    ['an id with capitals and a space', [{ id: 'Xom 1', name: 'Xóm 1' }]],
    [
      'a repeated id',
      [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'xom-1', name: 'Xóm Một' },
      ],
    ],
    [
      'a repeated name',
      [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'xom-2', name: 'xóm 1' },
      ],
    ],
    ['an empty name', [{ id: 'xom-1', name: '   ' }]],
    ['a name of 81 characters', [{ id: 'xom-1', name: 'x'.repeat(81) }]],
    ['an id of 65 characters', [{ id: 'x'.repeat(65), name: 'Xóm' }]],
  ])('%s: the console and the file report the same problems', (_case, hamlets) => {
    const checked = checkHamletsInput(hamlets);
    const fromFile = yamlProblems(hamlets).map((p) => p.replace(/^commune\.yaml: hamlets/, CONSOLE_HAMLETS));
    expect(checked.ok ? [] : checked.errors).toEqual(fromFile);
  });

  it('accepts a good list whole, NFC-normalised', () => {
    const nfd = 'Xóm Đông'.normalize('NFD');
    expect(checkHamletsInput([{ id: 'xom-dong', name: ` ${nfd} ` }])).toEqual({
      ok: true,
      value: [{ id: 'xom-dong', name: 'Xóm Đông' }],
    });
  });

  it('refuses the whole list when one row is wrong, naming the row in Vietnamese', () => {
    const checked = checkHamletsInput([
      { id: 'xom-1', name: 'Xóm 1' },
      { id: 'Xom 2', name: 'Xóm 2' },
    ]);
    expect(checked).toEqual({
      ok: false,
      errors: [
        'Danh sách xóm/khối #2: mã: chỉ gồm chữ thường không dấu a–z, chữ số và dấu gạch ngang, ví dụ "xom-1"; bỏ qua',
      ],
    });
  });
});

describe('contacts typed in the console', () => {
  const hamlets = [{ id: 'xom-1', name: 'Xóm 1' }];

  it('are refused with the same Vietnamese reason as in commune.yaml', () => {
    const checked = checkContactsInput({ office: { phone: '12345' } }, hamlets);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.errors).toEqual([
      expect.stringMatching(/^Thông tin liên hệ\.office: phone: "12345" không giống số điện thoại Việt Nam/),
    ]);
    const file = parseCommune(
      Buffer.from(
        stringify({
          name: 'X',
          hamlets,
          groups: [{ id: 'khac', name: 'K' }],
          core_quizzes: ['a'],
          contacts: { office: { phone: '12345' } },
        }),
      ),
    );
    expect(file.problems).toEqual([
      (checked.ok ? '' : (checked.errors[0] ?? '')).replace('Thông tin liên hệ', 'commune.yaml: contacts'),
    ]);
  });

  it('refuse a team of a hamlet that is not listed', () => {
    const checked = checkContactsInput({ digital_teams: [{ hamlet: 'xom-9', phone: '0912 345 678' }] }, hamlets);
    expect(checked).toEqual({
      ok: false,
      errors: ['Thông tin liên hệ.digital_teams #1: không có xóm/khối mã "xom-9" trong mục hamlets; bỏ qua'],
    });
  });

  it('come back in commune.yaml shape, cleaned', () => {
    const checked = checkContactsInput(
      {
        office: { phone: ' 0238 3000 001 ', hours: 'Sáng 7:30–11:30' },
        digital_teams: [{ hamlet: 'xom-1', name: 'Chị Lan' }],
      },
      hamlets,
    );
    expect(checked).toEqual({
      ok: true,
      value: {
        office: { hours: 'Sáng 7:30–11:30', phone: '0238 3000 001' },
        digital_teams: [{ hamlet: 'xom-1', name: 'Chị Lan' }],
      },
    });
  });
});

describe('applyOverrides', () => {
  const file: CommuneConfig = {
    ...DEFAULT_COMMUNE,
    hamlets: [{ id: 'xom-1', name: 'Xóm 1' }],
    contacts: {
      office: { phone: '0238 3000 001' },
      digitalTeams: [{ hamlet: 'xom-1', hamletName: 'Xóm 1', phone: '0912 345 678' }],
    },
  };

  it('keeps the file when nothing was saved', () => {
    expect(applyOverrides(file, {})).toEqual({ commune: file, problems: [] });
  });

  it('takes the saved hamlets and re-checks the file contacts against them', () => {
    const { commune, problems } = applyOverrides(file, { hamlets: [{ id: 'xom-2', name: 'Xóm 2' }] });
    expect(commune.hamlets).toEqual([{ id: 'xom-2', name: 'Xóm 2' }]);
    expect(commune.contacts).toEqual({ office: { phone: '0238 3000 001' }, digitalTeams: [] });
    expect(problems).toEqual([
      'commune.yaml: contacts.digital_teams #1: không có xóm/khối mã "xom-1" trong mục hamlets; bỏ qua',
    ]);
    expect(commune.groups).toBe(file.groups);
  });

  it('takes the saved contacts with the hamlet names of the list in force', () => {
    const { commune } = applyOverrides(file, {
      hamlets: [{ id: 'xom-1', name: 'Xóm Đông' }],
      contacts: { digital_teams: [{ hamlet: 'xom-1', name: 'Anh Nam' }] },
    });
    expect(commune.contacts).toEqual({ digitalTeams: [{ hamlet: 'xom-1', hamletName: 'Xóm Đông', name: 'Anh Nam' }] });
  });
});

describe('a used hamlet id stays', () => {
  const current = [
    { id: 'xom-1', name: 'Xóm 1' },
    { id: 'xom-2', name: 'Xóm 2' },
  ];

  it('renaming the display name takes no id away', () => {
    expect(
      idsTakenAway(current, [
        { id: 'xom-1', name: 'Xóm Đông', previousId: 'xom-1' },
        { id: 'xom-2', name: 'Xóm 2' },
      ]),
    ).toEqual([]);
  });

  it('changing or removing an id takes it away, and is refused in Vietnamese when something uses it', () => {
    const away = idsTakenAway(current, [{ id: 'xom-01', name: 'Xóm 1', previousId: 'xom-1' }]);
    expect(away).toEqual([
      { id: 'xom-1', name: 'Xóm 1', renamedTo: 'xom-01' },
      { id: 'xom-2', name: 'Xóm 2' },
    ]);
    const usage = new Map([
      ['xom-1', { ...NONE, citizens: 3 }],
      ['xom-2', { ...NONE, population: 1, staff: 1 }],
    ]);
    expect(usedIdRefusals(away, usage)).toEqual([
      'Không đổi được mã của xóm/khối "Xóm 1" từ "xom-1" thành "xom-01": mã này đã được dùng (3 hồ sơ người dân). ' +
        'Số liệu được lưu theo mã, nên đổi hay xóa mã sẽ tách số liệu cũ khỏi xóm/khối. ' +
        'Anh/chị chỉ có thể sửa tên hiển thị của xóm/khối này.',
      expect.stringMatching(
        /^Không xóa được xóm\/khối "Xóm 2" \(mã xom-2\): mã này đã được dùng \(số liệu dân số .*, 1 tài khoản cán bộ\)/,
      ),
    ]);
  });

  it('an unused id may go', () => {
    const away = idsTakenAway(current, [{ id: 'xom-1', name: 'Xóm 1' }]);
    expect(usedIdRefusals(away, new Map([['xom-2', NONE]]))).toEqual([]);
  });
});

describe('communeToYaml', () => {
  it('round-trips through parseCommune with no problem', () => {
    const commune: CommuneConfig = {
      ...DEFAULT_COMMUNE,
      hamlets: [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'khoi-tan-hung', name: 'Khối "Tân Hùng": 1' },
      ],
      contacts: {
        office: { address: 'UBND xã Hùng Châu', hours: '7:30 - 17:00', phone: '0238 3000 001' },
        police: { phone: '0912345678' },
        digitalTeams: [
          { hamlet: 'khoi-tan-hung', hamletName: 'Khối "Tân Hùng": 1', name: 'Chị Lan', phone: '0987 654 321' },
        ],
      },
    };
    const yaml = communeToYaml(commune);
    expect(yaml).toContain('phone: "0912345678"');
    expect(parseCommune(Buffer.from(yaml))).toEqual({ commune, problems: [] });
  });

  it('writes the defaults as a file that reads back as the defaults', () => {
    expect(parseCommune(Buffer.from(communeToYaml(DEFAULT_COMMUNE)))).toEqual({
      commune: DEFAULT_COMMUNE,
      problems: [],
    });
  });
});
