/**
 * knowledge/commune.yaml: the bundled file carries the plan's groups and
 * targets (section III) and no invented hamlets; a missing or broken file
 * falls back to defaults section by section, and every mistake is named.
 * The service built over the file (SQLite or PostgreSQL, test/testService.ts)
 * hands its contacts to the engine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVietnamesePhone } from '../../src/content/communeContacts.js';
import {
  checkCoreQuizzes,
  communeWarnings,
  DEFAULT_COMMUNE,
  loadCommune,
  parseCommune,
} from '../../src/content/loadCommune.js';
import { loadQuizBanks, MemoryQuizCatalog } from '../../src/content/loadQuizzes.js';
import { BUNDLED_KNOWLEDGE, tempDir, writeTree } from '../helpers.js';
import { testService } from '../testService.js';

const parse = (text: string) => parseCommune(Buffer.from(text));

describe('the bundled commune.yaml', () => {
  it('loads with no problem, and its core quizzes all exist', async () => {
    const { quizzes } = await loadQuizBanks(BUNDLED_KNOWLEDGE);
    const { commune, problems } = await loadCommune(BUNDLED_KNOWLEDGE, new MemoryQuizCatalog(quizzes));
    expect(problems).toEqual([]);
    expect(commune.name).toBe('Xã Hùng Châu');
    expect(commune.coreQuizzes).toEqual([
      'vneid-co-ban',
      'dich-vu-cong-truc-tuyen',
      'nhan-dien-lua-dao',
      'an-toan-tai-khoan',
      'phong-trao-bdhvs',
    ]);
  });

  it('lists no hamlet and no contact (the plan names none) and warns staff, in Vietnamese, to fill them in', async () => {
    const { commune, warnings } = await loadCommune(BUNDLED_KNOWLEDGE);
    expect(commune.hamlets).toEqual([]);
    expect(commune.contacts).toEqual({ digitalTeams: [] });
    expect(warnings).toEqual([
      expect.stringContaining('commune.yaml: chưa có xóm/khối nào trong danh sách'),
      expect.stringContaining('commune.yaml: contacts: chưa có thông tin liên hệ nào'),
    ]);
  });

  it('has the target groups of plan section III plus "Khác"', async () => {
    const { commune } = await loadCommune(BUNDLED_KNOWLEDGE);
    expect(commune.groups.map((g) => g.id)).toEqual([
      'can-bo-cong-chuc',
      'hoc-sinh-sinh-vien',
      'nguoi-dan',
      'lao-dong-doanh-nghiep',
      'khac',
    ]);
    expect(commune.groups.find((g) => g.id === 'khac')?.name).toBe('Khác');
    expect(commune.groups.find((g) => g.id === 'nguoi-dan')?.name).toBe('Người dân trong độ tuổi trưởng thành');
  });

  it('carries the plan targets: 80% in 2025, 100% in 2026, VNeID certification 40% then 60%', async () => {
    const { commune } = await loadCommune(BUNDLED_KNOWLEDGE);
    expect(commune.targets).toEqual([
      {
        year: 2025,
        groups: { 'can-bo-cong-chuc': 80, 'hoc-sinh-sinh-vien': 80, 'nguoi-dan': 80, 'lao-dong-doanh-nghiep': 80 },
        vneidCertified: 40,
      },
      {
        year: 2026,
        groups: { 'can-bo-cong-chuc': 100, 'hoc-sinh-sinh-vien': 100, 'nguoi-dan': 100, 'lao-dong-doanh-nghiep': 100 },
        vneidCertified: 60,
      },
    ]);
    // The defaults used without a file say the same.
    expect(DEFAULT_COMMUNE.targets).toEqual(commune.targets);
    expect(DEFAULT_COMMUNE.groups).toEqual(commune.groups);
  });
});

describe('loadCommune', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('hocvuso-commune-');
  });
  afterEach(() => tmp.cleanup());

  it('without a commune.yaml uses the defaults and says so', async () => {
    const { commune, problems } = await loadCommune(tmp.dir);
    expect(commune).toEqual(DEFAULT_COMMUNE);
    expect(problems).toEqual([expect.stringMatching(/^commune\.yaml: not found in .*; using the defaults/)]);
  });

  it('reads hamlets staff add, NFC-normalised, and stops warning about them', async () => {
    writeTree(tmp.dir, {
      'commune.yaml': [
        'name: Xã Hùng Châu',
        'hamlets:',
        '  - id: xom-1',
        `    name: "${'Xóm Đông'.normalize('NFD')}"`,
        '  - id: khoi-2',
        '    name: Khối 2',
        'groups:',
        '  - id: nguoi-dan',
        '    name: Người dân',
        'core_quizzes: [vneid-co-ban]',
      ].join('\n'),
    });
    const { commune, problems, warnings } = await loadCommune(tmp.dir);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('contacts: chưa có thông tin liên hệ nào')]);
    expect(commune.hamlets).toEqual([
      { id: 'xom-1', name: 'Xóm Đông' },
      { id: 'khoi-2', name: 'Khối 2' },
    ]);
    expect(commune.hamlets[0]?.name).toBe(commune.hamlets[0]?.name.normalize('NFC'));
    expect(commune.targets).toEqual([]);
  });

  it('reports core quizzes that match no valid bank when given the catalog', async () => {
    writeTree(tmp.dir, {
      'commune.yaml': 'name: X\nhamlets: []\ngroups: [{id: khac, name: Khác}]\ncore_quizzes: [co-that, khong-co]\n',
    });
    const catalog = new MemoryQuizCatalog([
      { id: 'co-that', title: 'Có thật', domain: 'an-toan', passScore: 0.8, questions: [], version: '0' },
    ]);
    const { problems } = await loadCommune(tmp.dir, catalog);
    expect(problems).toEqual([
      'commune.yaml: core_quizzes: no valid quiz has the id "khong-co", so nobody can complete the programme',
    ]);
    expect(checkCoreQuizzes(DEFAULT_COMMUNE, catalog)).toHaveLength(DEFAULT_COMMUNE.coreQuizzes.length);
  });
});

describe('parseCommune', () => {
  it('names each bad entry and keeps the good ones', () => {
    const { commune, problems } = parse(
      [
        'name: Xã Hùng Châu',
        'hamlet: []',
        'hamlets:',
        '  - {id: xom-1, name: "Xóm 1"}',
        '  - {id: Xom 2, name: "Xóm 2"}',
        '  - {id: xom-1, name: "Xóm 1 lần nữa"}',
        '  - 7',
        '  - {id: xom-3, name: ""}',
        'groups:',
        '  - {id: nguoi-dan, name: Người dân}',
        'targets:',
        '  2025: {nguoi-dan: 120, cong-nhan: 50, vneid_certified: 40}',
        '  nam-sau: {nguoi-dan: 100}',
        'core_quizzes: [vneid-co-ban, vneid-co-ban]',
      ].join('\n'),
    );
    expect(commune.hamlets).toEqual([{ id: 'xom-1', name: 'Xóm 1' }]);
    expect(commune.targets).toEqual([{ year: 2025, groups: {}, vneidCertified: 40 }]);
    expect(commune.coreQuizzes).toEqual(['vneid-co-ban']);
    expect(problems).toEqual([
      'commune.yaml: unknown key "hamlet" (the keys are name, hamlets, groups, targets, core_quizzes, contacts)',
      'commune.yaml: hamlets #2: mã: chỉ gồm chữ thường không dấu a–z, chữ số và dấu gạch ngang, ví dụ "xom-1"; bỏ qua',
      'commune.yaml: hamlets #3: mã "xom-1" bị trùng với một xóm/khối ở trên; bỏ qua',
      'commune.yaml: hamlets #4: phải gồm mã (id) và tên (name); bỏ qua',
      'commune.yaml: hamlets #5: tên: đang để trống; bỏ qua',
      'commune.yaml: targets.2025.nguoi-dan: must be a percentage from 0 to 100 (found the number 120)',
      'commune.yaml: targets.2025: "cong-nhan" is not a group id listed under groups',
      'commune.yaml: targets: "nam-sau" is not a year (write it like 2025)',
      'commune.yaml: core_quizzes: lists the same quiz more than once',
    ]);
  });

  it('falls back to the plan groups and core quizzes when those sections are broken', () => {
    const { commune, problems } = parse('name: X\nhamlets:\ngroups: khong-phai-danh-sach\ncore_quizzes: []\n');
    expect(commune.hamlets).toEqual([]);
    expect(commune.groups).toEqual(DEFAULT_COMMUNE.groups);
    expect(commune.coreQuizzes).toEqual(DEFAULT_COMMUNE.coreQuizzes);
    expect(problems).toEqual([
      'commune.yaml: groups: must be a list of "- id: … / name: …" entries (found text "khong-phai-danh-sach")',
      "commune.yaml: groups: no valid target group; using the plan's groups",
      'commune.yaml: core_quizzes: lists no quiz; using the default core quizzes',
    ]);
  });

  it.each([
    ['invalid YAML', 'name: [x\n', /^commune\.yaml: not valid YAML: .*; using the default lists$/],
    ['a list', '- a\n', /^commune\.yaml: the file must be a YAML mapping \(found a list\); using the default lists$/],
    [
      'an empty file',
      '',
      /^commune\.yaml: the file must be a YAML mapping \(found nothing\); using the default lists$/,
    ],
  ])('with %s uses the defaults with one problem', (_case, text, message) => {
    const { commune, problems } = parse(text);
    expect(commune).toEqual(DEFAULT_COMMUNE);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });
});

describe('contacts', () => {
  const HAMLETS = [
    'name: Xã Thử',
    'groups: [{id: khac, name: Khác}]',
    'core_quizzes: [vneid-co-ban]',
    'hamlets:',
    '  - {id: xom-1, name: "Xóm Đông"}',
    '  - {id: xom-2, name: "Xóm Tây"}',
  ];

  it('reads what staff filled in, each hamlet team with its hamlet name, and stops warning when complete', () => {
    const { commune, problems } = parse(
      [
        ...HAMLETS,
        'contacts:',
        '  office:',
        '    address: "Trụ sở UBND xã"',
        '    hours: "Sáng 7h30–11h30, thứ Hai đến thứ Sáu"',
        '    phone: "0238.3000.001"',
        '  police: {phone: "+84 238 3000 002"}',
        '  digital_teams:',
        '    - {hamlet: xom-1, name: "Anh Hùng", phone: "0900 000 003"}',
        '    - {hamlet: xom-2, phone: "1900 1234"}',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(commune.contacts).toEqual({
      office: { address: 'Trụ sở UBND xã', hours: 'Sáng 7h30–11h30, thứ Hai đến thứ Sáu', phone: '0238.3000.001' },
      police: { phone: '+84 238 3000 002' },
      digitalTeams: [
        { hamlet: 'xom-1', hamletName: 'Xóm Đông', name: 'Anh Hùng', phone: '0900 000 003' },
        { hamlet: 'xom-2', hamletName: 'Xóm Tây', phone: '1900 1234' },
      ],
    });
    expect(communeWarnings(commune)).toEqual([]);
  });

  it('checks each entry on its own: a bad phone, an unknown hamlet or key is named and left out', () => {
    const { commune, problems } = parse(
      [
        ...HAMLETS,
        'contacts:',
        '  office: {phone: "12345", hours: "giờ hành chính"}',
        '  police: {phone: 0912345678}',
        '  phone_book: []',
        '  digital_teams:',
        '    - {hamlet: xom-9, phone: "0900 000 003"}',
        '    - {hamlet: xom-1}',
        '    - {hamlet: xom-2, phone: "0900 000 004", email: "a@b"}',
        '    - {hamlet: xom-1, name: "Chị Lan"}',
        '    - {hamlet: xom-1, name: "Anh Nam"}',
      ].join('\n'),
    );
    expect(commune.contacts).toEqual({ digitalTeams: [{ hamlet: 'xom-1', hamletName: 'Xóm Đông', name: 'Chị Lan' }] });
    expect(problems).toEqual([
      'commune.yaml: contacts: có mục không biết: "phone_book" (chỉ dùng office, police, digital_teams)',
      expect.stringMatching(
        /^commune\.yaml: contacts\.office: phone: "12345" không giống số điện thoại Việt Nam .*; bỏ qua mục này$/,
      ),
      expect.stringMatching(
        /^commune\.yaml: contacts\.police: phone: phải viết trong dấu "ngoặc kép".*số 0 ở đầu bị mất\); bỏ qua mục này$/,
      ),
      'commune.yaml: contacts.digital_teams #1: không có xóm/khối mã "xom-9" trong mục hamlets; bỏ qua',
      'commune.yaml: contacts.digital_teams #2: cần ít nhất tên người liên hệ (name) hoặc số điện thoại (phone); bỏ qua',
      'commune.yaml: contacts.digital_teams #3: có mục không biết: "email" (chỉ dùng hamlet, name, address, hours, phone); bỏ qua',
      'commune.yaml: contacts.digital_teams #5: xóm/khối "xom-1" đã có tổ công nghệ số ở trên; bỏ qua',
    ]);
    expect(communeWarnings(commune)).toEqual([
      'commune.yaml: contacts: còn thiếu số điện thoại của bộ phận một cửa, địa chỉ bộ phận một cửa, ' +
        'giờ làm việc của bộ phận một cửa, công an xã, tổ công nghệ số của 1/2 xóm/khối',
    ]);
  });

  it('takes an absent or empty section as empty, and a section that is not a mapping as a problem', () => {
    expect(
      parse('name: X\nhamlets: []\ngroups: [{id: khac, name: Khác}]\ncore_quizzes: [a]\n').commune.contacts,
    ).toEqual({
      digitalTeams: [],
    });
    const broken = parse(
      'name: X\nhamlets: []\ngroups: [{id: khac, name: Khác}]\ncore_quizzes: [a]\ncontacts: "0900"\n',
    );
    expect(broken.commune.contacts).toEqual({ digitalTeams: [] });
    expect(broken.problems).toEqual([
      expect.stringMatching(/^commune\.yaml: contacts: phải gồm các mục office, police/),
    ]);
  });
});

describe('the service', () => {
  it('hands the contacts to the engine with the rest of the commune', async () => {
    const tmp = tempDir('hocvuso-commune-services-');
    try {
      writeTree(tmp.dir, {
        'commune.yaml': [
          'name: Xã Thử',
          'hamlets: []',
          'groups: [{id: khac, name: Khác}]',
          'core_quizzes: [vneid-co-ban]',
          'contacts: {office: {phone: "0238 3000 001"}}',
        ].join('\n'),
      });
      const services = await testService({ env: { KNOWLEDGE_DIR: tmp.dir } });
      try {
        expect(services.commune.contacts).toEqual({ office: { phone: '0238 3000 001' }, digitalTeams: [] });
      } finally {
        await services.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});

describe('isVietnamesePhone', () => {
  it.each([
    '0912 345 678',
    '0912.345.678',
    '+84 912 345 678',
    '0238 3000 001',
    '(0238) 3000 001',
    '1900 1234',
    '1800 123 456',
  ])('accepts %s', (phone) => expect(isVietnamesePhone(phone)).toBe(true));
  it.each(['12345', '0123 456 789', '091 234 567', '0912 345 6789', '113', 'gọi anh Nam', '+1 202 555 0100'])(
    'refuses %s',
    (phone) => expect(isVietnamesePhone(phone)).toBe(false),
  );
});
