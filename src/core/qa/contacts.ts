/**
 * @module core/qa/contacts
 *
 * The "where to ask a person" lines a reply ends with when the assistant
 * cannot answer. A resident who gets "ask the commune" and no number makes a
 * trip; one who gets the office's number and hours can call first. So the
 * lines use exactly what staff filled in under `contacts:` in commune.yaml,
 * part by part, and fall back to the general advice (`WHERE_TO_ASK`) for
 * whatever is still empty: never a number, address or time made up here.
 */
import type { CommuneContacts, ContactPoint, HamletTeamContact } from '../registry/types.js';
import { WHERE_TO_ASK } from './texts.js';

const OFFICE = 'bộ phận một cửa (Trung tâm phục vụ hành chính công) của xã';
const OFFICE_GENERAL =
  'Bà con có thể hỏi trực tiếp Trung tâm phục vụ hành chính công (bộ phận một cửa) của xã Hùng Châu.';
const TEAM_GENERAL = 'Bà con cũng có thể nhờ Tổ công nghệ số cộng đồng ở xóm, khối mình hướng dẫn.';

/** Ends a sentence built around a value staff typed, without doubling their own full stop. */
function sentence(s: string): string {
  return /[.!?…]$/u.test(s) ? s : `${s}.`;
}

function officeLines(office: ContactPoint): string[] {
  const hours = office.hours ? `, giờ làm việc: ${office.hours}` : '';
  const first = office.phone
    ? `Bà con có thể gọi số ${office.phone} của ${OFFICE}${hours}`
    : `Bà con có thể hỏi trực tiếp ${OFFICE}${hours}`;
  return [sentence(first), ...(office.address ? [sentence(`Địa chỉ bộ phận một cửa: ${office.address}`)] : [])];
}

function teamLine(team: HamletTeamContact): string {
  const parts = [
    ...(team.name ? [team.name] : []),
    ...(team.phone ? [`số điện thoại ${team.phone}`] : []),
    ...(team.address ? [team.address] : []),
    ...(team.hours ? [team.hours] : []),
  ];
  return sentence(`Tổ công nghệ số cộng đồng ở ${team.hamletName}: ${parts.join(', ')}`);
}

/**
 * The Vietnamese lines that end a reply the assistant could not give: the
 * one-stop office's phone, hours and address when staff filled them in, and
 * the digital team of the resident's hamlet when that hamlet is known and has
 * one. With nothing filled in (or nothing that applies), exactly the general
 * advice `WHERE_TO_ASK`.
 *
 * @param contacts what commune.yaml holds (`CommuneInfo.contacts`), if anything
 * @param hamletId the resident's hamlet id from their profile, if they gave it
 */
export function whereToAsk(contacts: CommuneContacts | undefined, hamletId?: string): string[] {
  const office = contacts?.office;
  const team = hamletId === undefined ? undefined : contacts?.digitalTeams.find((t) => t.hamlet === hamletId);
  if (!office && !team) return [WHERE_TO_ASK];
  return [...(office ? officeLines(office) : [OFFICE_GENERAL]), team ? teamLine(team) : TEAM_GENERAL];
}

/**
 * The commune police's contact, for VNeID and ID-card questions (to go with
 * the ministry's line), or undefined while staff have not filled it in.
 */
export function policeLine(contacts: CommuneContacts | undefined): string | undefined {
  const police = contacts?.police;
  if (!police) return undefined;
  const parts = [
    ...(police.phone ? [`số điện thoại ${police.phone}`] : []),
    ...(police.address ? [`địa chỉ ${police.address}`] : []),
    ...(police.hours ? [`giờ làm việc: ${police.hours}`] : []),
  ];
  return parts.length > 0 ? sentence(`Công an xã: ${parts.join(', ')}`) : undefined;
}
