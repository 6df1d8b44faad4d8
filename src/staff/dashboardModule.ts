/**
 * @module staff/dashboardModule
 *
 * The console's home, `GET /staff`: a commune officer's view of progress
 * against the plan, readable on a phone. This module serves the page shell,
 * its script and stylesheet, and Chart.js from the project's own
 * node_modules (the CSP allows scripts from this origin only, and a phone on
 * a commune network should not depend on a CDN). The numbers come from
 * `GET /staff/api/report` (reports module) as a `ProgressReport`; this module
 * never counts anything itself.
 *
 * The filters in the address are checked here only to pre-fill the form and
 * the download links: the report API validates them again and enforces the
 * hamlet of a hamlet team, whatever the page sends.
 */
import { consoleStylesheet } from './consoleCss.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Clock } from '../core/ports.js';
import type { NamedItem } from '../core/registry/types.js';
import { communeYearOf } from '../core/communeTime.js';
import { barClassesCss } from '../http/barClasses.js';
import { consoleNav } from './consoleNav.js';
import { dashboardHtml, type DashboardFilters } from './dashboardHtml.js';
import { communeScopeOf, type StaffEnv, type StaffModule, type StaffPrincipal } from './types.js';

/** What the page lists in its filters; read on every request, so hamlets staff add show at once. */
export interface DashboardCommune {
  readonly name: string;
  readonly hamlets: readonly NamedItem[];
  readonly groups: readonly NamedItem[];
}

export interface DashboardDeps {
  readonly commune: () => DashboardCommune;
  readonly clock: Clock;
  /** Years with targets in the plan; 2025 and 2026 by default. */
  readonly years?: readonly number[];
  /** Where the console is mounted; `/staff` by default. */
  readonly base?: string;
}

interface Asset {
  readonly body: string;
  readonly type: string;
  readonly etag: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

const readPublic = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./public/${name}`, import.meta.url)), 'utf8');

/** Chart.js's UMD build, found through the package's own entry (its dist files are not in `exports`). */
function chartJsSource(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
}

const DATE = z.iso.date();

/** The query fields the page reads; anything else in the address is ignored. */
const QuerySchema = z.object({
  year: z.string().optional(),
  hamlet: z.string().optional(),
  group: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

/** A value echoed in a message, cut short: the address is the visitor's to type. */
function shown(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** A date filter if it is a real YYYY-MM-DD date; otherwise a Vietnamese message says what is wrong. */
function dateFilter(raw: string | undefined, label: string, problems: string[]): string | undefined {
  if (!raw) return undefined;
  if (DATE.safeParse(raw).success) return raw;
  problems.push(`${label} “${shown(raw)}” không phải ngày hợp lệ (dạng năm-tháng-ngày, ví dụ 2026-01-31).`);
  return undefined;
}

/**
 * The page's starting filters from the query string. A value the principal
 * may not use (a year without targets, an unknown group, another hamlet) is
 * dropped with a message, and the page shows the default instead.
 */
export function filtersOf(
  raw: Record<string, string | undefined>,
  principal: StaffPrincipal,
  commune: DashboardCommune,
  years: readonly number[],
  defaultYear: number,
): { filters: DashboardFilters; problems: string[] } {
  const problems: string[] = [];
  const query = QuerySchema.parse(raw);
  let year = defaultYear;
  if (query.year) {
    const wanted = Number(query.year);
    if (years.includes(wanted)) year = wanted;
    else problems.push(`Năm “${shown(query.year)}” không có mục tiêu trong Kế hoạch: chọn ${years.join(' hoặc ')}.`);
  }
  let hamlet: string | undefined;
  if (principal.role === 'hamlet') {
    hamlet = principal.hamletId;
    if (query.hamlet && query.hamlet !== hamlet) problems.push('Tài khoản của tổ chỉ xem được số liệu của xóm mình.');
  } else if (query.hamlet) {
    if (commune.hamlets.some((h) => h.id === query.hamlet)) hamlet = query.hamlet;
    else problems.push(`Không có xóm “${shown(query.hamlet)}” trong danh sách của xã.`);
  }
  let group: string | undefined;
  if (query.group) {
    if (commune.groups.some((g) => g.id === query.group)) group = query.group;
    else problems.push(`Không có nhóm đối tượng “${shown(query.group)}”.`);
  }
  let from = dateFilter(query.from, 'Từ ngày', problems);
  let to = dateFilter(query.to, 'Đến ngày', problems);
  if (from && to && from > to) {
    problems.push('Từ ngày phải trước hoặc bằng Đến ngày.');
    from = undefined;
    to = undefined;
  }
  return { filters: { year, hamlet, group, from, to }, problems };
}

function serve(c: Context<StaffEnv>, file: Asset): Response {
  c.header('Cache-Control', 'private, no-cache');
  c.header('ETag', file.etag);
  if (c.req.header('if-none-match') === file.etag) return c.body(null, 304);
  c.header('Content-Type', file.type);
  return c.body(file.body);
}

export function createDashboardModule(deps: DashboardDeps): StaffModule {
  const base = deps.base ?? '/staff';
  const years = deps.years ?? [2025, 2026];
  const script = asset(readPublic('dashboard.js'), 'text/javascript; charset=utf-8');
  const style = asset(consoleStylesheet('dashboard.css', barClassesCss()), 'text/css; charset=utf-8');
  const chart = asset(chartJsSource(), 'text/javascript; charset=utf-8');

  function defaultYear(): number {
    const now = communeYearOf(deps.clock.now());
    const past = years.filter((y) => y <= now);
    return past[past.length - 1] ?? years[0] ?? now;
  }

  return (router) => {
    router.get('/', (c) => {
      const principal = c.get('staff');
      communeScopeOf(principal); // a province account never gets a commune's dashboard (fails closed past the gate)
      const commune = deps.commune();
      const { filters, problems } = filtersOf(c.req.query(), principal, commune, years, defaultYear());
      const own = principal.role === 'hamlet' ? principal.hamletId : undefined;
      const hamlets =
        own === undefined ? commune.hamlets : [commune.hamlets.find((h) => h.id === own) ?? { id: own, name: own }];
      c.header('Cache-Control', 'no-store');
      return c.html(
        dashboardHtml({
          communeName: commune.name,
          staffName: principal.name,
          csrfToken: c.get('csrfToken'),
          years,
          hamlets,
          fixedHamlet: own !== undefined,
          groups: commune.groups,
          filters,
          problems,
          base,
          nav: consoleNav({
            principal,
            csrfToken: c.get('csrfToken'),
            current: 'dashboard',
            handoffOpen: c.get('handoffOpen'),
          }),
        }),
      );
    });
    router.get('/assets/dashboard.js', (c) => serve(c, script));
    router.get('/assets/dashboard.css', (c) => serve(c, style));
    router.get('/assets/vendor/chart.umd.min.js', (c) => serve(c, chart));
  };
}
