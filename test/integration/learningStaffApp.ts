/**
 * A console for tests of staff modules: a Hono<StaffEnv> app that sets the
 * principal and CSRF token the front door would set, mounted at `/staff`,
 * and an audit log that keeps its entries.
 */
import { Hono } from 'hono';
import type { AuditEntry, AuditLog, StaffEnv, StaffModule, StaffPrincipal } from '../../src/staff/types.js';

export const ADMIN: StaffPrincipal = { id: 'staff-admin', name: 'Quản trị', role: 'admin' };
export const HAMLET: StaffPrincipal = { id: 'staff-xom1', name: 'Tổ xóm 1', role: 'hamlet', hamletId: 'xom-1' };

export function memoryAudit(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return { entries, record: (e) => void entries.push(e) };
}

export function staffApp(module: StaffModule, principal: StaffPrincipal): Hono {
  const console = new Hono<StaffEnv>();
  console.use('*', async (c, next) => {
    c.set('staff', principal);
    c.set('csrfToken', 'test-token');
    await next();
  });
  module(console);
  const app = new Hono();
  app.route('/staff', console);
  return app;
}

/** A JSON POST. */
export function post(app: Hono, path: string, body: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(`http://localhost${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': 'test-token' },
      body: JSON.stringify(body),
    }),
  );
}

/** A browser form POST. */
export function postForm(app: Hono, path: string, fields: Record<string, string>): Promise<Response> {
  return Promise.resolve(
    app.request(`http://localhost${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'test-token', ...fields }).toString(),
    }),
  );
}
