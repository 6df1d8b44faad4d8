/**
 * @module databaseUrl
 *
 * What a `DATABASE_URL` may be, and how it is shown. The URL carries the
 * database password, and it is printed in places that end up in logs and on
 * terminals (a refused setting, a failed connection, start-up lines), so
 * everything that shows it goes through `redactDatabaseUrl`. Pure: config.ts
 * and storage/pg both use it.
 */

/** postgres:// or postgresql://, as libpq and `pg` accept them, with a host or a socket path. */
export function isPostgresUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
}

/**
 * The URL with its password (and a `password=` query parameter) replaced by
 * `***`; the user, host, port and database stay, since they are what an
 * operator needs to see to fix a wrong setting. A value that is not a URL is
 * hidden whole: it may be a password pasted in the wrong place.
 */
export function redactDatabaseUrl(value: string): string {
  // A value without "scheme://" is hidden whole: "user:password@host/db" typed without its scheme
  // parses as a URL of scheme "user:" whose path holds the password.
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '(ẩn)';
  }
  if (!value.startsWith(`${url.protocol}//`)) return '(ẩn)';
  if (url.password !== '') url.password = '***';
  for (const key of ['password', 'sslpassword']) if (url.searchParams.has(key)) url.searchParams.set(key, '***');
  return url.toString();
}
