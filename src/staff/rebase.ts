/**
 * @module staff/rebase
 *
 * The staff console of a commune served under `/x/<id>/` (pgServer.ts): the
 * same console, whose pages, redirects and cookies all say `/staff`, moved
 * under that folder. The console is built for `/staff` (its links are
 * constants across many pages), so rather than thread a base path through
 * every page, its answers are rewritten on the way out:
 * - `Location: /staff…` becomes `/x/<id>/staff…`;
 * - its cookies' `Path=/staff` becomes `Path=/x/<id>/staff`, so a browser
 *   keeps one session per commune on one address: a cookie of `/staff` is
 *   never sent to `/x/<id>/staff` nor the other way round;
 * - in HTML, JSON and the event stream, a quoted address starting `/staff`
 *   (`href="/staff/…"`, `action="/staff/…"`, `data-*="/staff/…"`,
 *   `"url":"/staff/…"`) gets the folder in front.
 * Each commune's console also signs with its own key (`communeStaffKey`), so
 * a session or form token made for one commune proves nothing in another,
 * on top of each commune's sessions being rows of its own (row-level
 * security).
 */
import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { STAFF_BASE_PATH } from './accounts.js';

/** The console key of a commune served under `/x/<id>/`, derived from the install's console key. */
export function communeStaffKey(installKey: Buffer, communeId: string): Buffer {
  return createHmac('sha256', installKey).update(`hocvuso staff console of commune ${communeId}`).digest();
}

const QUOTED_BASE = new RegExp(`(["'])${STAFF_BASE_PATH}(?=[/"'?#])`, 'g');
const COOKIE_PATH = new RegExp(`;\\s*Path=${STAFF_BASE_PATH}(?=;|$)`, 'i');
const TEXT_BODIES = /^(text\/html|application\/json)\b/i;
const EVENT_STREAM = /^text\/event-stream\b/i;

/** `/staff…` under `prefix`; any other address unchanged. */
function rebasePath(path: string, prefix: string): string {
  return path === STAFF_BASE_PATH || /^\/staff[/?#]/.test(path) ? `${prefix}${path}` : path;
}

function rebaseText(text: string, prefix: string): string {
  return text.replace(QUOTED_BASE, `$1${prefix}${STAFF_BASE_PATH}`);
}

/** The console's answer as it must leave under `prefix`. */
export function rebaseResponse(res: Response, prefix: string): Response {
  const headers = new Headers(res.headers);
  const location = headers.get('location');
  if (location !== null) headers.set('location', rebasePath(location, prefix));
  const cookies = res.headers.getSetCookie();
  if (cookies.length > 0) {
    headers.delete('set-cookie');
    for (const c of cookies) headers.append('set-cookie', c.replace(COOKIE_PATH, `; Path=${prefix}${STAFF_BASE_PATH}`));
  }
  const type = headers.get('content-type') ?? '';
  let body: ReadableStream<Uint8Array> | null = res.body;
  if (res.body !== null && (TEXT_BODIES.test(type) || EVENT_STREAM.test(type))) {
    headers.delete('content-length');
    // Decoded as a stream: the event stream stays open for as long as the page does. Each event is
    // written whole (handoffEvents.ts), so an address is never split across two chunks.
    body = res.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(
        new TransformStream<string, string>({
          transform: (chunk, out) => out.enqueue(rebaseText(chunk, prefix)),
        }),
      )
      .pipeThrough(new TextEncoderStream());
  }
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

/**
 * The console `staff` (mounted at `/staff` of an app that is itself served
 * under `prefix`, e.g. `/x/xa-b`), its answers rewritten for that folder.
 */
export function rebasedStaff(staff: Hono, prefix: string): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    const rebased = rebaseResponse(c.res, prefix);
    // Cleared first: Hono copies the old answer's headers (its Location, its cookies) onto a new one.
    c.res = undefined;
    c.res = rebased;
  });
  app.route('/', staff);
  return app;
}
