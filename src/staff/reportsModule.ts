/**
 * @module staff/reportsModule
 *
 * The progress report in the staff console: `GET /api/report` (JSON, what
 * the dashboard draws), `GET /api/report.csv?sep=semicolon|comma` and
 * `GET /api/report.xlsx` (files streamed to the browser). Paths are relative
 * to `/staff`; the front door has already signed the person in.
 *
 * Scope is decided here, on the server: a hamlet team's report is always of
 * their own hamlet (the query is forced to it) and asking for another hamlet
 * is refused with 403. Commune-wide views hold counts only, never a name.
 * Every export is written to the audit log with who asked and which filters.
 */
import { Readable, PassThrough } from 'node:stream';
import type { Context } from 'hono';
import type { Clock } from '../core/ports.js';
import type { Quiz } from '../core/quiz/types.js';
import type { PopulationSource, ReportSource } from '../core/stores/reports.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import { progressCsv } from '../reports/progressCsv.js';
import { progressReport } from '../reports/progressData.js';
import type { ProgressQuery } from '../reports/progressTypes.js';
import { writeProgressXlsx } from '../reports/progressXlsx.js';
import { communeDayOf } from '../core/communeTime.js';
import { parseReportQuery, type ParsedReportQuery } from './reportQuery.js';
import { communeScopeOf, type AuditLog, type StaffEnv, type StaffModule } from './types.js';

export interface ReportsModuleDeps {
  readonly reports: ReportSource;
  readonly population: PopulationSource;
  /** Read per request, so an edited commune.yaml (reloaded by its owner) shows at once. */
  readonly commune: () => CommuneConfig;
  readonly quizzes: () => readonly Quiz[];
  readonly clock: Clock;
  readonly audit: AuditLog;
}

export const FORBIDDEN_HAMLET = 'Tài khoản của bạn chỉ xem được số liệu của xóm/khối mình phụ trách.';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Ctx = Context<StaffEnv>;
type Scoped = { readonly ok: true; readonly query: ProgressQuery; readonly separator: ';' | ',' } | Response;

/** Parses the query and applies the principal's scope; a Response when the request is refused. */
function scoped(c: Ctx, clock: Clock): Scoped {
  const parsed: ParsedReportQuery = parseReportQuery(c.req.query(), clock.now());
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  const scope = communeScopeOf(c.get('staff'));
  if (scope.kind === 'commune') return parsed;
  if (parsed.query.hamletId !== undefined && parsed.query.hamletId !== scope.hamletId) {
    return c.json({ error: FORBIDDEN_HAMLET }, 403);
  }
  return { ...parsed, query: { ...parsed.query, hamletId: scope.hamletId } };
}

/** bao-cao-tien-do[-xom-2]-2026-12-06.csv: ASCII only, so every browser keeps it as is. */
export function exportFileName(query: ProgressQuery, today: string, extension: 'csv' | 'xlsx'): string {
  const hamlet = query.hamletId !== undefined ? `-${query.hamletId}` : '';
  return `bao-cao-tien-do${hamlet}-${today}.${extension}`;
}

function fileHeaders(name: string, type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}

export function createReportsModule(deps: ReportsModuleDeps): StaffModule {
  const audit = async (
    c: Ctx,
    format: 'csv' | 'xlsx',
    query: ProgressQuery,
    extra: Record<string, unknown> = {},
  ): Promise<void> => {
    await deps.audit.record({
      actorId: c.get('staff').id,
      action: 'report.export',
      target: format,
      details: { ...query, ...extra },
    });
  };

  return (router) => {
    router.get('/api/report', async (c) => {
      const s = scoped(c, deps.clock);
      if (s instanceof Response) return s;
      c.header('Cache-Control', 'no-store');
      return c.json(await progressReport(deps, s.query));
    });

    router.get('/api/report.csv', async (c) => {
      const s = scoped(c, deps.clock);
      if (s instanceof Response) return s;
      const report = await progressReport(deps, s.query);
      await audit(c, 'csv', s.query, { separator: s.separator === ';' ? 'semicolon' : 'comma' });
      const chunks = progressCsv(report, s.separator);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
      const name = exportFileName(s.query, communeDayOf(deps.clock.now()), 'csv');
      return c.body(body, 200, fileHeaders(name, 'text/csv; charset=utf-8'));
    });

    router.get('/api/report.xlsx', async (c) => {
      const s = scoped(c, deps.clock);
      if (s instanceof Response) return s;
      const report = await progressReport(deps, s.query);
      await audit(c, 'xlsx', s.query);
      const out = new PassThrough();
      // A failure half way ends the download with an error rather than a truncated file that looks whole.
      writeProgressXlsx(report, out).catch((err: unknown) =>
        out.destroy(err instanceof Error ? err : new Error(String(err))),
      );
      const name = exportFileName(s.query, communeDayOf(deps.clock.now()), 'xlsx');
      return c.body(Readable.toWeb(out) as ReadableStream<Uint8Array>, 200, fileHeaders(name, XLSX_TYPE));
    });
  };
}
