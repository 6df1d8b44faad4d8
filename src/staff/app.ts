/**
 * @module staff/app
 *
 * The staff console as one Hono app, mounted at /staff by http/app.ts. Open
 * to anyone: the login page, the password set-up page and the stylesheet.
 * Everything else passes the front door (staff/frontDoor.ts) first, then
 * reaches the modules, which never see a request without a session and a
 * valid CSRF token. A module that registers GET '/' replaces the built-in
 * landing page.
 */
import { consoleStylesheet } from './consoleCss.js';
import { bodyLimit } from 'hono/body-limit';
import { Hono, type Context } from 'hono';
import type { Clock } from '../core/ports.js';
import { isSecure } from '../http/webVisitor.js';
import type { Logger } from '../logger.js';
import { STAFF_BASE_PATH } from './accounts.js';
import { apiModule } from './apiModule.js';
import { requireSession, sameOriginOnly } from './frontDoor.js';
import { homeModule } from './homeModule.js';
import { provinceGate } from './provinceGate.js';
import { mountLoginRoutes, mountLogout } from './loginRoutes.js';
import { StaffSessions } from './sessions.js';
import { mountSetupRoutes } from './setupRoutes.js';
import { createStaffSigner } from './signing.js';
import type { StaffStore } from './storePort.js';
import { ACCOUNT_POLICY, NETWORK_POLICY, type ThrottlePolicy } from './throttle.js';
import type { AuditLog, AuditReader, StaffEnv, StaffModule } from './types.js';

export interface StaffAppDeps {
  readonly store: StaffStore;
  /** Key of the session cookies and CSRF tokens (at least 32 bytes). */
  readonly secret: string | Buffer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: AuditLog & AuditReader;
  /** The console's parts, in order; each registers its routes (relative to /staff). */
  readonly modules: readonly StaffModule[];
  /** Always mark cookies Secure; otherwise only when the request came over https. */
  readonly secure?: boolean;
  /** A reverse proxy of ours sets X-Forwarded-For/-Host: per-address throttling and the origin check use them. */
  readonly trustProxy?: boolean;
  /** PUBLIC_BASE_URL: its origin is accepted as the console's own. */
  readonly publicBaseUrl?: string;
  readonly throttle?: { readonly account?: ThrottlePolicy; readonly network?: ThrottlePolicy };
}

/** The largest request body a signed-in page may send: the population CSV (at most 256 KB) and its form fit. */
export const STAFF_MAX_BODY_BYTES = 320 * 1024;

export function createStaffApp(deps: StaffAppDeps): Hono {
  const signer = createStaffSigner(deps.secret);
  const sessions = new StaffSessions(deps.store, signer, deps.clock);
  const trustProxy = deps.trustProxy ?? false;
  const secureOf = (c: Context): boolean => deps.secure === true || isSecure(c);
  // With the navigation bar's rules: the account page and the landing page use this stylesheet.
  const style = consoleStylesheet('staff.css');
  const app = new Hono();

  app.use('*', async (c, next) => {
    // The landing page lives at /staff; /staff/ (as typed or linked) leads there.
    if (c.req.path === `${STAFF_BASE_PATH}/` && c.req.method === 'GET') return c.redirect(STAFF_BASE_PATH, 301);
    await next();
  });
  app.use(
    '*',
    sameOriginOnly({
      trustProxy,
      ...(deps.publicBaseUrl !== undefined && { publicOrigin: new URL(deps.publicBaseUrl).origin }),
    }),
  );

  app.get('/assets/staff.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(style);
  });
  mountLoginRoutes(app, {
    store: deps.store,
    sessions,
    signer,
    clock: deps.clock,
    logger: deps.logger,
    audit: deps.audit,
    secureOf,
    trustProxy,
    accountPolicy: deps.throttle?.account ?? ACCOUNT_POLICY,
    networkPolicy: deps.throttle?.network ?? NETWORK_POLICY,
  });
  mountSetupRoutes(app, { store: deps.store, signer, clock: deps.clock, audit: deps.audit, secureOf });

  // Everything below needs a live session, and its CSRF token on every non-GET request.
  const inside = new Hono<StaffEnv>();
  // Before the session check reads a form for its CSRF field: nobody's upload is read whole past this size.
  inside.use(
    '*',
    bodyLimit({
      maxSize: STAFF_MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          { error: 'too_large', message: `Nội dung gửi lên quá lớn (tối đa ${STAFF_MAX_BODY_BYTES / 1024} KB).` },
          413,
        ),
    }),
  );
  inside.use('*', requireSession(sessions));
  mountLogout(inside, { sessions, audit: deps.audit, secureOf });
  apiModule(deps.audit)(inside);
  // A province account reaches only its own page and its password; every commune page answers 403.
  inside.use('*', provinceGate());

  const modules = new Hono<StaffEnv>();
  for (const register of deps.modules) register(modules);
  if (!modules.routes.some((r) => r.method === 'GET' && r.path === '/')) homeModule(modules);
  inside.route('/', modules);

  app.route('/', inside);
  return app;
}
