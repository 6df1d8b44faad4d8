/**
 * @module staff/apiModule
 *
 * The front door's own JSON: GET /staff/api/me (who is signed in, their
 * scope and the CSRF token a page's script sends back in `x-csrf-token`),
 * and GET /staff/api/audit (admins only): the latest audit lines.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { requireRole } from './frontDoor.js';
import { scopeOf, type AuditReader, type StaffEnv, type StaffModule } from './types.js';

const AuditQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'limit phải là số nguyên từ 1 đến 500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'limit phải là số nguyên từ 1 đến 500')
    .default(100),
  before: z
    .string()
    .regex(/^\d{1,15}$/, 'before phải là số thứ tự của một dòng nhật ký')
    .transform(Number)
    .optional(),
});

export function apiModule(audit: AuditReader): StaffModule {
  return (router: Hono<StaffEnv>) => {
    router.get('/api/me', (c) => {
      const staff = c.get('staff');
      return c.json({ ...staff, scope: scopeOf(staff), csrfToken: c.get('csrfToken') });
    });

    router.get('/api/audit', requireRole('admin'), async (c) => {
      const parsed = AuditQuery.safeParse(c.req.query());
      if (!parsed.success) {
        return c.json(
          {
            error: 'invalid_request',
            message: 'Yêu cầu không hợp lệ.',
            details: parsed.error.issues.map((i) => i.message),
          },
          400,
        );
      }
      const lines = await audit.recent(parsed.data.limit, parsed.data.before);
      const last = lines[lines.length - 1];
      return c.json({ lines, ...(lines.length === parsed.data.limit && last && { next: last.id }) });
    });
  };
}
