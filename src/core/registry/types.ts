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

/** The commune's lists from knowledge/commune.yaml. */
export interface CommuneInfo {
  readonly name: string;
  readonly hamlets: readonly NamedItem[];
  readonly groups: readonly NamedItem[];
  /** Quizzes that together count as "completed the programme". */
  readonly coreQuizzes: readonly string[];
}

export type RedeemResult =
  | { readonly ok: true; readonly citizen: Citizen }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'same-citizen' };
