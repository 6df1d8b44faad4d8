/**
 * @module storage/staffRowForms
 *
 * Rows of the console's tables as the staff code reads them, for both
 * databases (the PostgreSQL schema keeps SQLite's forms: ISO text times, JSON
 * as text). One mapper each, so the two stores cannot drift apart on which
 * NULL means an absent field, or let a role they do not know sign in.
 */
import type { StaffAccount } from '../staff/storePort.js';
import type { AuditLine, StaffPrincipal, StaffRole } from '../staff/types.js';

/** The `staff_accounts` columns an account is read from. */
export interface StaffAccountRow {
  readonly id: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly hamlet_id: string | null;
  readonly created_at: string;
  readonly disabled_at: string | null;
  readonly password_hash: string | null;
}

export function staffAccountOf(r: StaffAccountRow): StaffAccount {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    ...(r.hamlet_id !== null && { hamletId: r.hamlet_id }),
    createdAt: r.created_at,
    ...(r.disabled_at !== null && { disabledAt: r.disabled_at }),
    hasPassword: r.password_hash !== null,
  };
}

export function principalOf(r: {
  readonly id: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly hamlet_id: string | null;
}): StaffPrincipal {
  // Each role by name: a role this code does not know must never sign in as an admin.
  switch (r.role) {
    case 'hamlet':
      return { id: r.id, name: r.name, role: 'hamlet', hamletId: r.hamlet_id ?? '' };
    case 'province':
      return { id: r.id, name: r.name, role: 'province' };
    case 'admin':
      return { id: r.id, name: r.name, role: 'admin' };
    default:
      throw new Error(`unknown staff role ${String(r.role)} for account ${r.id}`);
  }
}

/** The `staff_audit` columns a line is read from. */
export interface AuditRow {
  readonly id: number | string;
  readonly at: string;
  readonly actor_id: string;
  readonly action: string;
  readonly target: string | null;
  readonly details_json: string;
}

export function auditLineOf(r: AuditRow): AuditLine {
  return {
    id: Number(r.id),
    at: r.at,
    actorId: r.actor_id,
    action: r.action,
    ...(r.target !== null && { target: r.target }),
    details: JSON.parse(r.details_json) as Record<string, unknown>,
  };
}
