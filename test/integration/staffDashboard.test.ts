/**
 * The staff dashboard's page and assets through the app in process: the
 * page shell under the real CSP (no inline script or style), filters
 * pre-filled and checked, a hamlet team offered only its own hamlet, download
 * links carrying the filters, and its assets served from this origin.
 */
import { describe, expect, it } from 'vitest';
import { filtersOf } from '../../src/staff/dashboardModule.js';
import { ADMIN, dashboardTestApp, GROUPS, HAMLET_TEAM, HAMLETS } from '../fakes/progressReport.js';

const COMMUNE = { name: 'Xã Hùng Châu', hamlets: HAMLETS, groups: GROUPS };

function hrefOf(html: string, id: string): string {
  const href = new RegExp(`id="${id}"[^>]*? href="([^"]+)"`).exec(html)?.[1];
  if (!href) throw new Error(`no link ${id}`);
  return href.replace(/&amp;/g, '&');
}

describe('staff dashboard page', () => {
  it('serves the page shell under the strict CSP, with no inline script or style', async () => {
    const { app } = dashboardTestApp(ADMIN);
    const res = await app.request('/staff');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toMatch(/<script src="\/staff\/assets\/vendor\/chart\.umd\.min\.js" defer><\/script>/);
    expect(html).toMatch(/<script src="\/staff\/assets\/dashboard\.js" defer><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    // Every form control has a label.
    for (const id of ['f-year', 'f-hamlet', 'f-group', 'f-from', 'f-to']) expect(html).toContain(`for="${id}"`);
    expect(html).toContain('<option value="2025">2025</option>');
    expect(html).toContain('<option value="2026" selected>2026</option>');
    expect(html).toContain('Theo mục III.2 của Kế hoạch.');
    expect(html).toContain('<option value="" selected>Cả xã</option>');
    expect(html).toContain('Xóm Đông');
    // Signing out posts the session's CSRF token to the front door's logout route.
    expect(html).toMatch(
      /<form class="signout" method="post" action="\/staff\/logout">\s*<input type="hidden" name="_csrf" value="test-token">/,
    );
    expect(hrefOf(html, 'dl-csv-semicolon')).toBe('/staff/api/report.csv?year=2026&sep=semicolon');
    expect(hrefOf(html, 'dl-csv-comma')).toBe('/staff/api/report.csv?year=2026&sep=comma');
    expect(hrefOf(html, 'dl-xlsx')).toBe('/staff/api/report.xlsx?year=2026');
  });

  it('pre-fills the filters from the address and carries them into the downloads', async () => {
    const { app } = dashboardTestApp(ADMIN);
    const html = await (
      await app.request('/staff?year=2025&hamlet=xom-1&group=nguoi-dan&from=2025-01-01&to=2025-06-30')
    ).text();
    expect(html).toContain('<option value="2025" selected>');
    expect(html).toContain('<option value="xom-1" selected>Xóm Đông</option>');
    expect(html).toContain('<option value="nguoi-dan" selected>');
    expect(html).toContain('value="2025-01-01"');
    const query = 'year=2025&hamlet=xom-1&group=nguoi-dan&from=2025-01-01&to=2025-06-30';
    expect(hrefOf(html, 'dl-csv-semicolon')).toBe(`/staff/api/report.csv?${query}&sep=semicolon`);
    expect(hrefOf(html, 'dl-xlsx')).toBe(`/staff/api/report.xlsx?${query}`);
  });

  it('offers a hamlet team its own hamlet only', async () => {
    const { app } = dashboardTestApp(HAMLET_TEAM);
    const html = await (await app.request('/staff?hamlet=xom-1')).text();
    expect(html).not.toContain('Xóm Đông');
    expect(html).not.toContain('Cả xã');
    expect(html).toContain('<input type="hidden" id="f-hamlet" name="hamlet" value="xom-2">');
    expect(html).toContain('Xóm Tây');
    expect(html).toContain('Tài khoản của tổ chỉ xem được số liệu của xóm mình.');
    expect(hrefOf(html, 'dl-xlsx')).toBe('/staff/api/report.xlsx?year=2026&hamlet=xom-2');
  });

  it('escapes what staff typed into the commune file', async () => {
    const { app } = dashboardTestApp({ ...ADMIN, name: '<img src=x onerror=alert(1)>' });
    const html = await (await app.request('/staff?group=%3Cscript%3E')).text();
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('serves its script, stylesheet and Chart.js from this origin, revalidated by ETag', async () => {
    const { app } = dashboardTestApp(ADMIN);
    const js = await app.request('/staff/assets/dashboard.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    const script = await js.text();
    expect(script).not.toMatch(/innerHTML|\.style\b|eval\(/);
    const css = await app.request('/staff/assets/dashboard.css');
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toContain('.at-80{left:80%}');
    const chart = await app.request('/staff/assets/vendor/chart.umd.min.js');
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart.js v4');
    const etag = chart.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await app.request('/staff/assets/vendor/chart.umd.min.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });
});

describe('filtersOf', () => {
  it('drops what the principal may not use, saying why in Vietnamese', () => {
    const { filters, problems } = filtersOf(
      { year: '2030', hamlet: 'xom-9', group: 'nope', from: '2026-02-30', to: '2026-01-01' },
      ADMIN,
      COMMUNE,
      [2025, 2026],
      2026,
    );
    expect(filters).toEqual({ year: 2026, hamlet: undefined, group: undefined, from: undefined, to: '2026-01-01' });
    expect(problems).toEqual([
      'Năm “2030” không có mục tiêu trong Kế hoạch: chọn 2025 hoặc 2026.',
      'Không có xóm “xom-9” trong danh sách của xã.',
      'Không có nhóm đối tượng “nope”.',
      'Từ ngày “2026-02-30” không phải ngày hợp lệ (dạng năm-tháng-ngày, ví dụ 2026-01-31).',
    ]);
  });

  it('cuts a long value short when it says it back', () => {
    const { problems } = filtersOf({ group: 'x'.repeat(5000) }, ADMIN, COMMUNE, [2025, 2026], 2026);
    expect(problems).toEqual([`Không có nhóm đối tượng “${'x'.repeat(40)}…”.`]);
  });

  it('refuses a period that ends before it starts', () => {
    const { filters, problems } = filtersOf(
      { from: '2026-03-01', to: '2026-01-01' },
      ADMIN,
      COMMUNE,
      [2025, 2026],
      2025,
    );
    expect(filters).toMatchObject({ year: 2025, from: undefined, to: undefined });
    expect(problems).toEqual(['Từ ngày phải trước hoặc bằng Đến ngày.']);
  });
});
