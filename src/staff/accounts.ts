/**
 * @module staff/accounts
 *
 * Creating staff accounts and their set-up links, shared by `cli staff` and
 * the tests. An account starts without a password: the link (valid 72 hours,
 * usable once) lets its owner choose one, so no password ever passes through
 * a terminal, a chat message or the person who created the account.
 */
import type { Clock } from '../core/ports.js';
import { foldMarks } from '../core/text/normalize.js';
import { hashToken, randomToken } from './signing.js';
import type { NewStaffAccount, StaffAccount, StaffStore } from './storePort.js';
import type { AuditLog } from './types.js';

export const SETUP_TOKEN_TTL_MS = 72 * 3_600_000;
/** Where the console is mounted in the HTTP app. */
export const STAFF_BASE_PATH = '/staff';

/** A login name from a person's name: "Nguyễn Thị Lan" → "nguyen-thi-lan". */
export function loginIdFor(name: string): string {
  const slug = foldMarks(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'can-bo' : slug;
}

/** The address of the console's set-up page for `token`. */
export function setupLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${STAFF_BASE_PATH}/setup?token=${token}`;
}

/** A fresh set-up token for an active account (earlier unused links stop working), or undefined. */
export async function issueSetupToken(store: StaffStore, accountId: string, clock: Clock): Promise<string | undefined> {
  const account = await store.account(accountId);
  if (!account || account.disabledAt !== undefined) return undefined;
  const token = randomToken();
  const now = clock.now();
  await store.addSetupToken(accountId, hashToken(token), now, new Date(now.getTime() + SETUP_TOKEN_TTL_MS));
  return token;
}

export interface AddedAccount {
  readonly account: StaffAccount;
  readonly token: string;
}

/**
 * Creates the account under `id`, or under a login name made from the name
 * (with -2, -3… when taken), and its first set-up token. Undefined when an
 * explicit `id` is taken.
 */
export async function addStaffAccount(
  store: StaffStore,
  input: Omit<NewStaffAccount, 'id'> & { readonly id?: string },
  deps: { readonly clock: Clock; readonly audit?: AuditLog; readonly actorId?: string },
): Promise<AddedAccount | undefined> {
  const base = input.id ?? loginIdFor(input.name);
  const candidates =
    input.id !== undefined ? [base] : [base, ...Array.from({ length: 98 }, (_, i) => `${base}-${i + 2}`)];
  const now = deps.clock.now();
  for (const id of candidates) {
    if (!(await store.addAccount({ ...input, id }, now))) continue;
    const token = await issueSetupToken(store, id, deps.clock);
    const account = await store.account(id);
    if (token === undefined || !account) return undefined;
    await deps.audit?.record({
      actorId: deps.actorId ?? 'cli',
      action: 'staff.account.add',
      target: id,
      details: { role: input.role, ...(input.hamletId !== undefined && { hamletId: input.hamletId }) },
    });
    return { account, token };
  }
  return undefined;
}
