/**
 * @module staff/settingsHttp
 *
 * Small request helpers of the settings module: whether a script (JSON or a
 * raw CSV body) or a browser form is asking, reading bodies without throwing,
 * and what of a contacts change may go into the audit log.
 */
import type { Context } from 'hono';
import type { CommuneContacts } from '../core/registry/types.js';
import type { FormBody } from './settingsForms.js';
import type { StaffEnv } from './types.js';

export type Ctx = Context<StaffEnv>;

/** A CSV file posted as the body itself (`curl --data-binary @file.csv`): answered in JSON. */
export function isCsvBody(c: Ctx): boolean {
  return (c.req.header('content-type') ?? '').toLowerCase().startsWith('text/csv');
}

export function wantsJson(c: Ctx): boolean {
  return (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
}

export async function jsonBody(c: Ctx): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown;
  } catch {
    return undefined;
  }
}

/** Text fields of a posted form, to show them again when the form is refused. */
export function textFields(body: FormBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}

/** Office and police old → new (public contact points); for hamlet teams only which hamlets changed, no names or numbers. */
export function contactsAudit(
  before: CommuneContacts | undefined,
  after: CommuneContacts | undefined,
): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const key of ['office', 'police'] as const) {
    const b = before?.[key];
    const a = after?.[key];
    if (JSON.stringify(b ?? null) !== JSON.stringify(a ?? null)) details[key] = { before: b ?? null, after: a ?? null };
  }
  const teams = (c: CommuneContacts | undefined) =>
    new Map((c?.digitalTeams ?? []).map((t) => [t.hamlet, JSON.stringify(t)]));
  const b = teams(before);
  const a = teams(after);
  const changed = [...new Set([...b.keys(), ...a.keys()])].filter((h) => b.get(h) !== a.get(h));
  if (changed.length > 0) details.digitalTeamsChanged = changed;
  return details;
}
