/**
 * One web session per simulated resident. The web chat knows a visitor by
 * the session cookie the server issues (the body's `user` names nobody), so
 * a bench that plays many residents through `POST /api/chat` must keep and
 * send back each one's cookie, as each resident's browser would.
 */
export class CookieJar {
  private readonly jar = new Map<string, string>();

  /** The `cookie` header to send for this resident, if the server gave them one. */
  header(who: string): Record<string, string> {
    const c = this.jar.get(who);
    return c ? { cookie: c } : {};
  }

  /** Keeps the cookies of a response (name=value only; attributes are for browsers). */
  store(who: string, setCookie: string | string[] | undefined): void {
    if (!setCookie) return;
    const fresh = (Array.isArray(setCookie) ? setCookie : [setCookie]).map((c) => c.split(';')[0]?.trim() ?? '');
    const all = new Map<string, string>();
    for (const pair of [...(this.jar.get(who)?.split('; ') ?? []), ...fresh]) {
      const eq = pair.indexOf('=');
      if (eq > 0) all.set(pair.slice(0, eq), pair);
    }
    this.jar.set(who, [...all.values()].join('; '));
  }
}

/**
 * Bench traffic comes from 127.0.0.1 but stands for many residents on many
 * networks: the per-address web limit (60 a minute by default) must not be
 * what is measured. The per-person limits stay as in production.
 */
export const BENCH_LIMITS = { RATE_LIMIT_IP_PER_MINUTE: '100000' } as const;
