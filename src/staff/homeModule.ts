/**
 * @module staff/homeModule
 *
 * GET /staff: the signed-in landing page, until a module of the console (the
 * dashboard) registers its own GET '/'; createStaffApp mounts this one only
 * when none does. It says who is signed in and what they may see.
 */
import { html } from 'hono/html';
import type { Hono } from 'hono';
import { signedInBar, staffPage } from './pages.js';
import type { StaffEnv, StaffModule, StaffPrincipal } from './types.js';

export function roleLabel(principal: StaffPrincipal): string {
  if (principal.role === 'province') return 'cán bộ cấp tỉnh';
  return principal.role === 'admin' ? 'quản trị viên của xã' : `tổ công nghệ số, xóm/khối ${principal.hamletId}`;
}

export const homeModule: StaffModule = (router: Hono<StaffEnv>) => {
  router.get('/', (c) => {
    const staff = c.get('staff');
    const scope =
      staff.role === 'province'
        ? 'Anh/chị xem được tiến độ của các xã trong tỉnh.'
        : staff.role === 'admin'
          ? 'Anh/chị xem được số liệu của toàn xã.'
          : `Anh/chị xem được số liệu của xóm/khối ${staff.hamletId}.`;
    return c.html(
      staffPage(
        'Trang quản trị',
        html`<div class="card">
          <h1>Xin chào ${staff.name}</h1>
          <p>Anh/chị đã đăng nhập trang quản trị Bình dân học vụ số. ${scope}</p>
        </div>`,
        signedInBar(staff.name, roleLabel(staff), c.get('csrfToken')),
      ),
    );
  });
};
