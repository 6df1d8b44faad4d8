/**
 * @module core/registry/types
 *
 * A citizen is one person, whatever channels they use: each channel identity
 * (web, telegram, zalo, cli) points to one citizen, and a one-time link code
 * joins a second identity to the same person. The profile is what staff need
 * to count progress (hamlet, target group) and nothing more.
 */
import type { ChannelName } from '../messages.js';

export type ConsentState = 'unasked' | 'given' | 'declined';

export interface CitizenProfile {
  readonly displayName?: string;
  /** Id of a hamlet (xóm/khối) in commune.yaml. */
  readonly hamlet?: string;
  /** Id of a target group in commune.yaml. */
  readonly group?: string;
  readonly birthYear?: number;
}

export interface Citizen {
  readonly id: string;
  readonly consent: ConsentState;
  readonly profile: CitizenProfile;
  readonly createdAt: string;
}

export interface Identity {
  readonly channel: ChannelName;
  readonly userId: string;
}

export interface NamedItem {
  readonly id: string;
  readonly name: string;
}

/**
 * One place a resident can go or call. Every field is optional because staff
 * fill in what they know; nothing here is ever made up by the project.
 */
export interface ContactPoint {
  readonly address?: string;
  /** Working hours as staff wrote them (e.g. as posted at the office). */
  readonly hours?: string;
  /** A Vietnamese phone number, as staff wrote it (checked at load). */
  readonly phone?: string;
}

/** The community digital team (Tổ công nghệ số cộng đồng) of one hamlet. */
export interface HamletTeamContact extends ContactPoint {
  /** Id of a hamlet listed in commune.yaml. */
  readonly hamlet: string;
  /** That hamlet's name, resolved at load so a reply can say where the team is. */
  readonly hamletName: string;
  /** Who to ask (e.g. the team leader), as staff wrote it. */
  readonly name?: string;
}

/**
 * Where residents can ask a person: the commune's one-stop office, the
 * commune police and each hamlet's digital team. Shipped empty; replies fall
 * back to general advice for every part staff have not filled in.
 */
export interface CommuneContacts {
  /** Trung tâm phục vụ hành chính công (bộ phận một cửa) of the commune. */
  readonly office?: ContactPoint;
  /** Công an xã. */
  readonly police?: ContactPoint;
  readonly digitalTeams: readonly HamletTeamContact[];
}

/** The commune's lists from knowledge/commune.yaml. */
export interface CommuneInfo {
  readonly name: string;
  readonly hamlets: readonly NamedItem[];
  readonly groups: readonly NamedItem[];
  /** Quizzes that together count as "completed the programme". */
  readonly coreQuizzes: readonly string[];
  /** Where to ask a person; absent or empty until staff fill it in. */
  readonly contacts?: CommuneContacts;
}

export type RedeemResult =
  | { readonly ok: true; readonly citizen: Citizen }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'same-citizen' };
