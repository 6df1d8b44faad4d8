/**
 * The console moved under a commune's folder (staff/rebase.ts): redirects,
 * cookie paths and quoted `/staff` addresses in HTML, JSON and the event
 * stream get `/x/<id>` in front; anything else is left as it was, and a
 * commune's console key differs from the install's and from other communes'.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { setCookie } from 'hono/cookie';
import { describe, expect, it } from 'vitest';
import { communeStaffKey, rebasedStaff } from '../../../src/staff/rebase.js';

const PREFIX = '/x/xa-b';

/** A stand-in console, mounted at /staff as http/app.ts mounts the real one. */
function app(): Hono {
  const staff = new Hono();
  staff.get('/login', (c) => {
    setCookie(c, 'hocvuso_staff_form', 'n1', { path: '/staff', httpOnly: true, sameSite: 'Strict' });
    setCookie(c, 'other', 'v', { path: '/' });
    return c.html(
      `<form action="/staff/login"><a href='/staff'>x</a><a href="/staffing">y</a><a href="https://e.vn/staff/z">z</a><p>/staff/learning</p></form>`,
    );
  });
  staff.post('/login', (c) => c.redirect('/staff', 303));
  staff.get('/api/thing', (c) => c.json({ url: '/staff/hoi-dap/3', note: 'xem /staff/learning' }));
  staff.get('/elsewhere', (c) => c.redirect('/thi-dua', 302));
  staff.get('/events', (c) =>
    streamSSE(c, async (s) => {
      await s.writeSSE({ data: JSON.stringify({ url: '/staff/hoi-dap/7' }) });
    }),
  );
  const outer = new Hono();
  outer.route('/staff', rebasedStaff(staff, PREFIX));
  return outer;
}

describe('rebasedStaff', () => {
  it('moves quoted addresses and cookie paths into the folder, and leaves the rest alone', async () => {
    const res = await app().request('/staff/login');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      `<form action="/x/xa-b/staff/login"><a href='/x/xa-b/staff'>x</a><a href="/staffing">y</a><a href="https://e.vn/staff/z">z</a><p>/staff/learning</p></form>`,
    );
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^hocvuso_staff_form=n1; Path=\/x\/xa-b\/staff; HttpOnly; SameSite=Strict$/);
    expect(cookies[1]).toBe('other=v; Path=/');
    expect(res.headers.get('content-length')).toBeNull();
  });

  it('moves redirects to the console, and no other', async () => {
    const moved = await app().request('/staff/login', { method: 'POST' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe('/x/xa-b/staff');
    expect((await app().request('/staff/elsewhere')).headers.get('location')).toBe('/thi-dua');
  });

  it('moves addresses in JSON answers and in the event stream', async () => {
    expect(await (await app().request('/staff/api/thing')).json()).toEqual({
      url: '/x/xa-b/staff/hoi-dap/3',
      note: 'xem /staff/learning',
    });
    const events = await (await app().request('/staff/events')).text();
    expect(events).toContain('data: {"url":"/x/xa-b/staff/hoi-dap/7"}');
  });

  it("derives a console key per commune, never the install's own", () => {
    const install = Buffer.alloc(32, 7);
    const b = communeStaffKey(install, 'xa-b');
    expect(b.equals(install)).toBe(false);
    expect(b.equals(communeStaffKey(install, 'xa-c'))).toBe(false);
    expect(b.equals(communeStaffKey(Buffer.from(install), 'xa-b'))).toBe(true);
  });
});
