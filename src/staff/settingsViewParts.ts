/**
 * @module staff/settingsViewParts
 *
 * What every part of the settings page shares: the data it is rendered
 * from, the console's base path, the hidden CSRF field every form carries and
 * the message box of a section.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { CommuneConfig } from '../content/loadCommune.js';
import type { CertifiedCount, PopulationCount } from '../core/stores/reports.js';
import type { CommuneScope } from './types.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Where the console is mounted; links and form actions are absolute. */
export const STAFF_BASE = '/staff';

export type Section = 'hamlets' | 'contacts' | 'population';

/** What the page shows about the last action: a success line, or errors for one section. */
export interface PageMessage {
  readonly section: Section;
  readonly kind: 'ok' | 'error';
  readonly lines: readonly string[];
}

export interface SettingsPageData {
  readonly commune: CommuneConfig;
  readonly scope: CommuneScope;
  readonly csrfToken: string;
  /** Whether the hamlet list / contacts come from the console (else from commune.yaml). */
  readonly saved: { readonly hamlets: boolean; readonly contacts: boolean };
  /** Hamlet ids something is filed under: their id field is shown read-only. */
  readonly usedIds: ReadonlySet<string>;
  readonly population: readonly PopulationCount[];
  readonly certified: readonly CertifiedCount[];
  readonly message?: PageMessage;
  /** What was posted, shown again when it was refused (so nothing typed is lost). */
  readonly draft?: {
    readonly hamlets?: readonly { readonly id: string; readonly name: string; readonly previousId?: string }[];
    readonly form?: Readonly<Record<string, string>>;
  };
  /** The console's navigation bar (staff/consoleNav.ts). */
  readonly nav?: Html;
}

export function messageFor(data: SettingsPageData, section: Section): Html {
  const m = data.message;
  if (!m || m.section !== section) return html``;
  const role = m.kind === 'error' ? 'alert' : 'status';
  return html`<div class="${m.kind === 'error' ? 'errors' : 'notice'}" role="${role}">
    ${
      m.lines.length === 1
        ? html`<p>${m.lines[0]}</p>`
        : html`<ul>
            ${m.lines.map((l) => html`<li>${l}</li>`)}
          </ul>`
    }
  </div>`;
}
