/**
 * @module staff/settingsModule
 *
 * The console's settings (issue 17, item 1): the hamlet list, the contacts,
 * and the population per hamlet × target group with the VNeID-certified
 * counts, typed in a grid or uploaded as CSV. What is saved here overrides
 * the matching section of knowledge/commune.yaml and reaches the running
 * assistant at once (the live commune is reloaded), e.g. the registration
 * form offers a new hamlet in the next reply.
 *
 * Only an admin changes anything; a hamlet team member reads the page and
 * sees only their own hamlet's figures. Every change and every export goes
 * to the audit log with old and new values, never a resident's data. Forms
 * post back to the page (with the CSRF token the front door checks); the
 * same routes take JSON for scripts and answer JSON.
 */
import { consoleStylesheet } from './consoleCss.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Clock } from '../core/ports.js';
import type { PopulationEdit } from '../core/stores/populationEdit.js';
import { contactsToRaw } from '../content/communeContacts.js';
import {
  checkContactsInput,
  checkHamletsInput,
  idsTakenAway,
  usedIdRefusals,
  type HamletEdit,
} from '../content/communeSettings.js';
import { communeToYaml } from '../content/communeYaml.js';
import type { LiveCommune } from '../content/liveCommune.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import { POPULATION_CSV_MAX_BYTES, populationTemplate } from '../content/populationCsv.js';
import { HamletInUseError, type CommuneSettingsStore } from '../core/stores/communeSettings.js';
import { importPopulation } from './populationImport.js';
import { consoleNavHtml } from './consoleNav.js';
import { contactsAudit, isCsvBody, jsonBody, textFields, wantsJson, type Ctx } from './settingsHttp.js';
import {
  contactsFromForm,
  contactsFromJson,
  hamletsFromForm,
  hamletsFromJson,
  populationFromForm,
  populationFromJson,
  type Parsed,
} from './settingsForms.js';
import {
  messagePage,
  settingsPage,
  STAFF_BASE,
  type PageMessage,
  type Section,
  type SettingsPageData,
} from './settingsView.js';
import { communeScopeOf, type AuditLog, type StaffEnv, type StaffModule } from './types.js';
import type { PopulationSource } from '../core/stores/reports.js';
import type { PopulationStore } from '../core/stores/populationEdit.js';

export interface SettingsModuleDeps {
  /** The commune the service runs on (services.commune); reloaded after each save. */
  readonly commune: LiveCommune;
  /** The console's saved sections (SQLite or PostgreSQL). */
  readonly settings: CommuneSettingsStore;
  readonly population: PopulationSource & PopulationStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

const SAVED: Readonly<Record<Section, string>> = {
  hamlets: 'Đã lưu danh sách xóm/khối. Trợ lý dùng danh sách mới ngay từ tin nhắn tiếp theo.',
  contacts: 'Đã lưu thông tin liên hệ. Trợ lý dùng thông tin mới ngay từ tin nhắn tiếp theo.',
  population: 'Đã lưu số liệu dân số.',
};

const ADMIN_ONLY =
  'Chỉ quản trị viên của xã được thay đổi cài đặt. Tài khoản của tổ công nghệ số xóm/khối chỉ xem được.';

export function createSettingsModule(deps: SettingsModuleDeps): StaffModule {
  const read = (name: string): string =>
    readFileSync(fileURLToPath(new URL(`./public/${name}`, import.meta.url)), 'utf8');
  const css = consoleStylesheet('settings.css');
  const js = read('settings.js');

  /** The commune now, including a save another process made (one small read). */
  function inForce(): Promise<CommuneConfig> {
    return deps.commune.refreshed();
  }

  async function pageData(c: Ctx, message?: PageMessage, draft?: SettingsPageData['draft']): Promise<SettingsPageData> {
    const principal = c.get('staff');
    const scope = communeScopeOf(principal);
    const commune = await inForce();
    const overrides = await deps.settings.overrides();
    const mine = (hamletId: string) => scope.kind === 'commune' || hamletId === scope.hamletId;
    const [population, certified] = await Promise.all([deps.population.population(), deps.population.vneidCertified()]);
    return {
      commune,
      scope,
      csrfToken: c.get('csrfToken'),
      saved: { hamlets: overrides.hamlets !== undefined, contacts: overrides.contacts !== undefined },
      usedIds:
        scope.kind === 'commune'
          ? new Set((await deps.settings.usedAmong(commune.hamlets.map((h) => h.id))).keys())
          : new Set<string>(),
      population: population.filter((p) => mine(p.hamletId)),
      certified: certified.filter((p) => mine(p.hamletId)),
      ...(message && { message }),
      ...(draft && { draft }),
      nav: consoleNavHtml({
        principal,
        csrfToken: c.get('csrfToken'),
        current: 'settings',
        handoffOpen: c.get('handoffOpen'),
      }),
    };
  }

  async function render(
    c: Ctx,
    status: 200 | 400 | 409 | 413,
    message?: PageMessage,
    draft?: SettingsPageData['draft'],
  ) {
    // Phone numbers and figures: no shared cache keeps a copy.
    c.header('Cache-Control', 'no-store');
    return c.html(await settingsPage(await pageData(c, message, draft)), status);
  }

  /**
   * A refused save: JSON for scripts, the page with the errors (and what was
   * typed) for forms; `lead` heads the list on the page only.
   */
  async function refuse(
    c: Ctx,
    status: 400 | 409 | 413,
    section: Section,
    errors: readonly string[],
    options: { draft?: SettingsPageData['draft']; lead?: string } = {},
  ) {
    if (wantsJson(c) || isCsvBody(c)) return c.json({ ok: false, errors }, status);
    const lines = options.lead ? [options.lead, ...errors] : errors;
    return render(c, status, { section, kind: 'error', lines }, options.draft);
  }

  function saved(c: Ctx, section: Section, json: Record<string, unknown>) {
    if (wantsJson(c)) return c.json({ ok: true, ...json });
    return c.redirect(`${STAFF_BASE}/settings?saved=${section}#${section}`, 303);
  }

  const adminOnly: MiddlewareHandler<StaffEnv> = async (c, next) => {
    if (c.get('staff').role === 'admin') return next();
    if (wantsJson(c)) return c.json({ ok: false, errors: [ADMIN_ONLY] }, 403);
    return c.html(await messagePage('Không có quyền thay đổi', ADMIN_ONLY), 403);
  };

  async function saveHamlets(c: Ctx) {
    let edits: Parsed<HamletEdit[]>;
    let draftRows: HamletEdit[] | undefined;
    if (wantsJson(c)) edits = hamletsFromJson(await jsonBody(c));
    else {
      draftRows = hamletsFromForm(await c.req.parseBody({ all: true }));
      edits = { ok: true, value: draftRows };
    }
    const draft = draftRows && { hamlets: draftRows };
    if (!edits.ok) return refuse(c, 400, 'hamlets', edits.errors);
    const checked = checkHamletsInput(edits.value.map((h) => ({ id: h.id, name: h.name })));
    if (!checked.ok) return refuse(c, 400, 'hamlets', checked.errors, { draft });
    const before = (await inForce()).hamlets;
    const away = idsTakenAway(before, edits.value);
    const refusals = usedIdRefusals(away, await deps.settings.usedAmong(away.map((a) => a.id)));
    if (refusals.length > 0) return refuse(c, 409, 'hamlets', refusals, { draft });
    const actorId = c.get('staff').id;
    try {
      await deps.settings.saveHamlets(
        checked.value,
        away.map((a) => a.id),
        actorId,
        deps.clock.now(),
      );
    } catch (err) {
      if (err instanceof HamletInUseError) return refuse(c, 409, 'hamlets', usedIdRefusals(away, err.usage), { draft });
      throw err;
    }
    await deps.commune.reload();
    await deps.audit.record({
      actorId,
      action: 'settings.hamlets',
      target: 'hamlets',
      details: { before: before.map((h) => ({ ...h })), after: checked.value },
    });
    return saved(c, 'hamlets', { hamlets: checked.value });
  }

  async function saveContacts(c: Ctx) {
    const current = await inForce();
    let raw: Parsed<Record<string, unknown>>;
    let draft: SettingsPageData['draft'];
    if (wantsJson(c)) raw = contactsFromJson(await jsonBody(c));
    else {
      const body = await c.req.parseBody({ all: true });
      draft = { form: textFields(body) };
      raw = { ok: true, value: contactsFromForm(body, current.hamlets) };
    }
    if (!raw.ok) return refuse(c, 400, 'contacts', raw.errors);
    const checked = checkContactsInput(raw.value, current.hamlets);
    if (!checked.ok) return refuse(c, 400, 'contacts', checked.errors, { draft });
    const actorId = c.get('staff').id;
    await deps.settings.saveContacts(checked.value, actorId, deps.clock.now());
    const after = await deps.commune.reload();
    await deps.audit.record({
      actorId,
      action: 'settings.contacts',
      target: 'contacts',
      details: contactsAudit(current.contacts, after.contacts),
    });
    return saved(c, 'contacts', { contacts: contactsToRaw(after.contacts) });
  }

  async function savePopulation(c: Ctx) {
    const { hamlets, groups } = await inForce();
    let edit: Parsed<PopulationEdit>;
    let draft: SettingsPageData['draft'];
    if (wantsJson(c)) edit = populationFromJson(await jsonBody(c), { hamlets, groups });
    else {
      const body = await c.req.parseBody({ all: true });
      draft = { form: textFields(body) };
      edit = populationFromForm(body, { hamlets, groups });
    }
    if (!edit.ok) return refuse(c, 400, 'population', edit.errors, { draft, lead: 'Chưa lưu vì có ô sai:' });
    const actorId = c.get('staff').id;
    const changes = await deps.population.save(edit.value, actorId, deps.clock.now());
    await deps.audit.record({ actorId, action: 'population.update', target: 'grid', details: { changes } });
    return saved(c, 'population', { changed: changes.length });
  }

  async function uploadPopulation(c: Ctx) {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    // Multipart framing adds a little to the file itself. (The front door has usually parsed the
    // body already to read `_csrf`, so a stream limit cannot apply here; the app's own limit does.)
    if (Number(c.req.header('content-length') ?? 0) > POPULATION_CSV_MAX_BYTES + 16 * 1024) return tooLarge(c);
    let bytes: Uint8Array | undefined;
    if (type.startsWith('multipart/form-data')) {
      const file = (await c.req.parseBody())['file'];
      if (file instanceof File) {
        if (file.size > POPULATION_CSV_MAX_BYTES) return tooLarge(c);
        bytes = new Uint8Array(await file.arrayBuffer());
      }
    } else if (type.startsWith('text/csv')) {
      bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength > POPULATION_CSV_MAX_BYTES) return tooLarge(c);
    }
    if (!bytes) return refuse(c, 400, 'population', ['Chưa chọn tệp CSV để tải lên.']);
    const { hamlets, groups } = await inForce();
    const actorId = c.get('staff').id;
    const result = await importPopulation(
      { lists: { hamlets, groups }, store: deps.population, clock: deps.clock, audit: deps.audit },
      bytes,
      actorId,
      'upload',
    );
    if (!result.ok) {
      return refuse(c, 400, 'population', result.errors, { lead: 'Tệp chưa được lưu vì có chỗ sai:' });
    }
    if (wantsJson(c) || isCsvBody(c)) {
      return c.json({ ok: true, imported: result.summary, changed: result.changes.length });
    }
    return render(c, 200, { section: 'population', kind: 'ok', lines: ['Đã nhập số liệu từ tệp:', ...result.summary] });
  }

  function tooLarge(c: Ctx) {
    const text = `Tệp quá lớn: tối đa ${POPULATION_CSV_MAX_BYTES / 1024} KB.`;
    return refuse(c, 413, 'population', [text]);
  }

  async function template(c: Ctx) {
    const scope = communeScopeOf(c.get('staff'));
    const { hamlets, groups } = await inForce();
    const mine = scope.kind === 'commune' ? hamlets : hamlets.filter((h) => h.id === scope.hamletId);
    const ids = new Set(mine.map((h) => h.id));
    const csv = populationTemplate(
      { hamlets: mine, groups },
      (await deps.population.population()).filter((p) => ids.has(p.hamletId)),
      (await deps.population.vneidCertified()).filter((p) => ids.has(p.hamletId)),
    );
    await deps.audit.record({
      actorId: c.get('staff').id,
      action: 'population.template',
      target: 'csv',
      details: { hamlets: mine.length },
    });
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="dan-so-theo-xom.csv"',
      'cache-control': 'no-store',
    });
  }

  async function exportYaml(c: Ctx) {
    await deps.audit.record({ actorId: c.get('staff').id, action: 'settings.export', target: 'yaml' });
    return c.body(communeToYaml(await inForce()), 200, {
      'content-type': 'application/yaml; charset=utf-8',
      'content-disposition': 'attachment; filename="commune.yaml"',
      'cache-control': 'no-store',
    });
  }

  const module = (router: Hono<StaffEnv>): void => {
    router.get('/settings/settings.css', (c) =>
      c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
    );
    router.get('/settings/settings.js', (c) =>
      c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
    );
    router.get('/settings', (c) => {
      const section = c.req.query('saved');
      const message =
        section === 'hamlets' || section === 'contacts' || section === 'population'
          ? ({ section, kind: 'ok', lines: [SAVED[section]] } as const)
          : undefined;
      return render(c, 200, message);
    });
    router.post('/settings/hamlets', adminOnly, saveHamlets);
    router.post('/settings/contacts', adminOnly, saveContacts);
    router.post('/settings/population', adminOnly, savePopulation);
    router.post('/settings/population.csv', adminOnly, uploadPopulation);
    router.get('/settings/population-template.csv', template);
    router.get('/api/settings.yaml', exportYaml);
  };
  return module;
}
