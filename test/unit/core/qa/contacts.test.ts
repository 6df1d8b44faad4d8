/**
 * whereToAsk: the lines a "not sure" reply ends with. Staff's own numbers,
 * hours and addresses when commune.yaml has them, the general advice for
 * every part it does not, and never a number that is not in the file.
 */
import { describe, expect, it } from 'vitest';
import { policeLine, whereToAsk } from '../../../../src/core/qa/contacts.js';
import { WHERE_TO_ASK } from '../../../../src/core/qa/texts.js';
import type { CommuneContacts } from '../../../../src/core/registry/types.js';

/** Test data only: not the commune's real numbers. */
const FILLED: CommuneContacts = {
  office: {
    phone: '0238 3000 001',
    hours: 'sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu',
    address: 'Trụ sở UBND xã.',
  },
  police: { phone: '0238 3000 002', address: 'Trụ sở công an xã' },
  digitalTeams: [{ hamlet: 'xom-1', hamletName: 'Xóm Đông', name: 'Anh Hùng (tổ trưởng)', phone: '0900 000 003' }],
};

const digits = (lines: readonly string[]): string[] => lines.join(' ').match(/\d[\d ]{6,}\d/g) ?? [];

describe('whereToAsk', () => {
  it('with contacts filled in, gives the office phone, hours and address, and the team of the hamlet', () => {
    expect(whereToAsk(FILLED, 'xom-1')).toEqual([
      'Bà con có thể gọi số 0238 3000 001 của bộ phận một cửa (Trung tâm phục vụ hành chính công) của xã, ' +
        'giờ làm việc: sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu.',
      'Địa chỉ bộ phận một cửa: Trụ sở UBND xã.',
      'Tổ công nghệ số cộng đồng ở Xóm Đông: Anh Hùng (tổ trưởng), số điện thoại 0900 000 003.',
    ]);
  });

  it('without the hamlet (or for a hamlet with no team listed), points to the team in general', () => {
    const general = 'Bà con cũng có thể nhờ Tổ công nghệ số cộng đồng ở xóm, khối mình hướng dẫn.';
    expect(whereToAsk(FILLED).at(-1)).toBe(general);
    expect(whereToAsk(FILLED, 'xom-2').at(-1)).toBe(general);
    expect(digits(whereToAsk(FILLED, 'xom-2'))).toEqual(['0238 3000 001']);
  });

  it('partly filled: uses what is there and the general advice for the rest', () => {
    const hoursOnly: CommuneContacts = { office: { hours: 'giờ hành chính' }, digitalTeams: [] };
    expect(whereToAsk(hoursOnly, 'xom-1')).toEqual([
      'Bà con có thể hỏi trực tiếp bộ phận một cửa (Trung tâm phục vụ hành chính công) của xã, giờ làm việc: giờ hành chính.',
      'Bà con cũng có thể nhờ Tổ công nghệ số cộng đồng ở xóm, khối mình hướng dẫn.',
    ]);
    const phoneOnly: CommuneContacts = { office: { phone: '0238 3000 001' }, digitalTeams: [] };
    expect(whereToAsk(phoneOnly)[0]).toBe(
      'Bà con có thể gọi số 0238 3000 001 của bộ phận một cửa (Trung tâm phục vụ hành chính công) của xã.',
    );
    const teamOnly: CommuneContacts = {
      digitalTeams: [{ hamlet: 'xom-1', hamletName: 'Xóm Đông', phone: '0900 000 003' }],
    };
    expect(whereToAsk(teamOnly, 'xom-1')).toEqual([
      'Bà con có thể hỏi trực tiếp Trung tâm phục vụ hành chính công (bộ phận một cửa) của xã Hùng Châu.',
      'Tổ công nghệ số cộng đồng ở Xóm Đông: số điện thoại 0900 000 003.',
    ]);
  });

  it('empty or absent: exactly the general advice, with no number at all', () => {
    for (const contacts of [undefined, { digitalTeams: [] }]) {
      expect(whereToAsk(contacts)).toEqual([WHERE_TO_ASK]);
      expect(whereToAsk(contacts, 'xom-1')).toEqual([WHERE_TO_ASK]);
      expect(digits(whereToAsk(contacts, 'xom-1'))).toEqual([]);
    }
    // Teams listed, but not for this resident's hamlet: nothing specific to say either.
    expect(whereToAsk({ digitalTeams: FILLED.digitalTeams }, 'xom-9')).toEqual([WHERE_TO_ASK]);
  });
});

describe('policeLine', () => {
  it('gives the commune police contact when filled in, nothing otherwise', () => {
    expect(policeLine(FILLED)).toBe('Công an xã: số điện thoại 0238 3000 002, địa chỉ Trụ sở công an xã.');
    expect(policeLine({ digitalTeams: [] })).toBeUndefined();
    expect(policeLine(undefined)).toBeUndefined();
  });
});
