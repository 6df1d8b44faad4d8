/**
 * @module staff/provinceModule
 *
 * The province's page in the console: `GET /tinh` (every commune's progress
 * against its own targets, side by side), `GET /tinh.csv?sep=semicolon|comma`
 * and `GET /tinh.xlsx` (the same table as files), each with `?year=2025|2026`.
 * Paths are relative to `/staff`, behind the front door.
 *
 * Only a province account may use them: a commune's admin or hamlet team
 * gets 403 here, so no commune sees another's figures (the province gate
 * keeps the province out of the communes' own pages in turn). Every export
 * is written to the audit log, as a commune's report exports are.
 */
import { Readable, PassThrough } from 'node:stream';
import type { Context } from 'hono';
import { z } from 'zod';
import { communeDayOf } from '../core/communeTime.js';
import type { CsvSeparator } from '../reports/csv.js';
import { PLAN_YEARS } from '../reports/planIndicators.js';
import { tablesCsv } from '../reports/progressCsv.js';
import { writeTablesXlsx } from '../reports/progressXlsx.js';
import { provinceReport, type ProvinceDeps } from '../reports/provinceData.js';
import { provinceTables, provinceTitle } from '../reports/provinceTables.js';
import { consoleStylesheet } from './consoleCss.js';
import { consoleNavHtml } from './consoleNav.js';
import { requireRole } from './frontDoor.js';
import { messagePage, staffPage } from './pages.js';
import { PROVINCE_URL, provinceBody } from './provincePage.js';
import { currentPlanYear } from './reportQuery.js';
import type { AuditLog, StaffEnv, StaffModule } from './types.js';

export interface ProvinceModuleDeps {
  readonly province: ProvinceDeps;
  readonly audit: AuditLog;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ProvinceQuery = z
  .object({
    year: z
      .enum(PLAN_YEARS.map(String) as [string, ...string[]], {
        error: () => `Tham số "year" phải là năm có mục tiêu trong Kế hoạch: ${PLAN_YEARS.join(' hoặc ')}.`,
      })
      .optional(),
    sep: z
      .enum(['semicolon', 'comma'], {
        error: () => 'Tham số "sep" phải là semicolon (dấu chấm phẩy, mặc định) hoặc comma (dấu phẩy).',
      })
      .optional(),
  })
  .strict();

type Ctx = Context<StaffEnv>;
type Parsed = { readonly year: number; readonly separator: CsvSeparator };

function parse(c: Ctx, now: Date): Parsed | Response | Promise<Response> {
  const result = ProvinceQuery.safeParse(c.req.query());
  if (!result.success) {
    const issue = result.error.issues[0];
    const message =
      issue?.code === 'unrecognized_keys'
        ? `Tham số "${issue.keys[0] ?? ''}" không được hỗ trợ (dùng year, sep).`
        : (issue?.message ?? 'Tham số không hợp lệ.');
    return c.req.path.endsWith('/tinh') ? refuse400(c, message) : c.json({ error: 'invalid_request', message }, 400);
  }
  return {
    year: result.data.year !== undefined ? Number(result.data.year) : currentPlanYear(now),
    separator: result.data.sep === 'comma' ? ',' : ';',
  };
}

function refuse400(c: Ctx, message: string): Response | Promise<Response> {
  return c.html(
    messagePage('Yêu cầu không hợp lệ', message, { href: PROVINCE_URL, label: 'Xem trang Toàn tỉnh' }),
    400,
  );
}

function fileHeaders(name: string, type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** tien-do-toan-tinh-2026-2026-12-06.csv: ASCII only, so every browser keeps it as is. */
export function provinceFileName(year: number, today: string, extension: 'csv' | 'xlsx'): string {
  return `tien-do-toan-tinh-${year}-${today}.${extension}`;
}

export function createProvinceModule(deps: ProvinceModuleDeps): StaffModule {
  const css = consoleStylesheet('province.css');
  const { clock } = deps.province;
  const provinceOnly = requireRole('province');

  const audit = async (c: Ctx, format: 'csv' | 'xlsx', year: number, communes: number, extra = {}): Promise<void> => {
    await deps.audit.record({
      actorId: c.get('staff').id,
      action: 'province.export',
      target: format,
      details: { year, communes, ...extra },
    });
  };

  return (router) => {
    router.get('/tinh/tinh.css', (c) =>
      c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
    );

    router.get('/tinh', provinceOnly, async (c) => {
      const q = parse(c, clock.now());
      if (!('year' in q)) return q;
      const report = await provinceReport(deps.province, q.year);
      return c.html(
        staffPage(
          'Toàn tỉnh',
          provinceBody(report),
          consoleNavHtml({ principal: c.get('staff'), csrfToken: c.get('csrfToken'), current: 'province' }),
          { stylesheet: `${PROVINCE_URL}/tinh.css` },
        ),
      );
    });

    router.get('/tinh.csv', provinceOnly, async (c) => {
      const q = parse(c, clock.now());
      if (!('year' in q)) return q;
      const report = await provinceReport(deps.province, q.year);
      await audit(c, 'csv', report.year, report.communes.length, {
        separator: q.separator === ';' ? 'semicolon' : 'comma',
      });
      const chunks = tablesCsv(provinceTitle(report), provinceTables(report), q.separator);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
      const name = provinceFileName(report.year, communeDayOf(clock.now()), 'csv');
      return c.body(body, 200, fileHeaders(name, 'text/csv; charset=utf-8'));
    });

    router.get('/tinh.xlsx', provinceOnly, async (c) => {
      const q = parse(c, clock.now());
      if (!('year' in q)) return q;
      const report = await provinceReport(deps.province, q.year);
      await audit(c, 'xlsx', report.year, report.communes.length);
      const out = new PassThrough();
      // A failure half way ends the download with an error rather than a truncated file that looks whole.
      writeTablesXlsx(provinceTitle(report)[0] ?? '', provinceTables(report), out).catch((err: unknown) =>
        out.destroy(err instanceof Error ? err : new Error(String(err))),
      );
      const name = provinceFileName(report.year, communeDayOf(clock.now()), 'xlsx');
      return c.body(Readable.toWeb(out) as ReadableStream<Uint8Array>, 200, fileHeaders(name, XLSX_TYPE));
    });
  };
}
