/**
 * deploy/compose.yaml and deploy/Dockerfile, run without Docker: the build
 * machine has no Docker engine, so the deployment the files describe is
 * replayed on the test's PostgreSQL, step by step, with the files' own
 * commands and settings read from them (not copied here, so the test follows
 * the files when they change):
 *
 * 1. the database's first start runs deploy/initdb (the service's role);
 * 2. the `setup` service's command brings the schema up and grants the role;
 * 3. `app1` and `app2` start together with the compose environment and the
 *    Dockerfile's CMD, on the role's DATABASE_URL, and both serve the web chat.
 *
 * Only what Docker itself adds is not checked: the image build, the network
 * name `db`, the volumes and the restart policy.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROOT, readyPort, spawnService, waitForHealth, type ServiceProcess } from '../serviceProcess.js';
import { tempDir } from '../helpers.js';
import { connect, createTestDatabase, pgUrl, type TestDatabase } from './pgTestDb.js';

const Compose = z.object({
  'x-service': z.object({ environment: z.record(z.string(), z.string()) }),
  services: z.object({
    db: z.object({ environment: z.record(z.string(), z.string()) }),
    setup: z.object({ command: z.array(z.string()) }),
    app1: z.object({ ports: z.array(z.string()) }),
    app2: z.object({ ports: z.array(z.string()) }),
  }),
});

const compose = Compose.parse(parse(readFileSync(join(ROOT, 'deploy/compose.yaml'), 'utf8'), { merge: true }));
const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
/** The image's CMD (exec form), as `docker run` starts it. */
const CMD = z.array(z.string()).parse(JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? 'null'));

/** The role deploy/initdb creates, read from the script. */
const initdb = readFileSync(join(ROOT, 'deploy/initdb/01-app-role.sh'), 'utf8');
const APP_ROLE = /CREATE ROLE (\w+)/.exec(initdb)?.[1] ?? '';

/** `${NAME}` and `${NAME:?message}` as compose substitutes them from the shell's environment. */
function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`compose needs ${name}`);
    return v;
  });
}

/** The same URL pointed at the test's server and database (compose names them `db` and `hocvuso`). */
function onTestServer(url: string, database: string): string {
  const u = new URL(url);
  return pgUrl(database, decodeURIComponent(u.username), decodeURIComponent(u.password));
}

describe('deploy/compose.yaml, replayed on a real PostgreSQL', () => {
  const tmp = tempDir();
  const vars = {
    OWNER_PASSWORD: 'owner-Pw-1234',
    APP_PASSWORD: 'app-Pw-\'quoted"',
    SESSION_SECRET: 'a-session-secret-of-thirty-two-characters-or-more',
  };
  let t: TestDatabase;
  const apps: ServiceProcess[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    // The image makes the owner POSTGRES_USER; here the owner role the compose URL names gets the test's database.
    const admin = connect<unknown>(pgUrl(process.env.PGDATABASE ?? 'postgres'), 1);
    try {
      await sql`DROP ROLE IF EXISTS ${sql.id(APP_ROLE)}`.execute(admin);
      await sql`DROP ROLE IF EXISTS hocvuso_owner`.execute(admin);
      await sql`CREATE ROLE hocvuso_owner LOGIN PASSWORD ${sql.lit(vars.OWNER_PASSWORD)}`.execute(admin);
      await sql`ALTER DATABASE ${sql.id(t.name)} OWNER TO hocvuso_owner`.execute(admin);
    } finally {
      await admin.destroy();
    }
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) app.child.kill('SIGKILL');
    await Promise.all(apps.map((a) => a.exited));
    await t.drop();
    const admin = connect<unknown>(pgUrl(process.env.PGDATABASE ?? 'postgres'), 1);
    try {
      await sql`DROP ROLE IF EXISTS ${sql.id(APP_ROLE)}`.execute(admin);
      await sql`DROP ROLE IF EXISTS hocvuso_owner`.execute(admin);
    } finally {
      await admin.destroy();
    }
    tmp.cleanup();
  }, 60_000);

  it('names one database, one owner and one service role throughout', () => {
    const db = compose.services.db.environment;
    const appUrl = new URL(substitute(compose['x-service'].environment.DATABASE_URL ?? '', vars));
    const setupUrl = new URL(substitute(compose.services.setup.command.at(-3) ?? '', vars));
    expect(APP_ROLE).toBe('hocvuso_app');
    expect(decodeURIComponent(appUrl.username)).toBe(APP_ROLE);
    expect(compose.services.setup.command.at(-1)).toBe(APP_ROLE);
    expect(decodeURIComponent(setupUrl.username)).toBe(db.POSTGRES_USER);
    expect(appUrl.pathname).toBe(`/${db.POSTGRES_DB}`);
    expect(setupUrl.pathname).toBe(`/${db.POSTGRES_DB}`);
    expect([appUrl.hostname, setupUrl.hostname]).toEqual(['db', 'db']);
    // The two services publish the container's PORT on two loopback ports.
    const port = compose['x-service'].environment.PORT;
    expect(compose.services.app1.ports).toEqual([`127.0.0.1:3001:${port}`]);
    expect(compose.services.app2.ports).toEqual([`127.0.0.1:3002:${port}`]);
  });

  it('runs the first-start script, the set-up command and two services that both answer', async () => {
    // 1. deploy/initdb, as the postgres image runs it: psql as POSTGRES_USER on POSTGRES_DB.
    const init = spawnSync('sh', [join(ROOT, 'deploy/initdb/01-app-role.sh')], {
      env: { ...process.env, POSTGRES_USER: process.env.PGUSER ?? 'postgres', POSTGRES_DB: t.name, ...vars },
      encoding: 'utf8',
    });
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);

    // 2. The setup service's command, its URL pointed at the test's server.
    const [exe, ...args] = compose.services.setup.command.map((a) => substitute(a, vars));
    const to = args.indexOf('--to') + 1;
    args[to] = onTestServer(args[to] ?? '', t.name);
    const setup = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(exe === 'node' ? process.execPath : (exe ?? ''), args, { cwd: ROOT, env: process.env });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(setup.out).not.toMatch(/error/i);
    expect(setup.code).toBe(0);

    // 3. app1 and app2 together: the compose environment, the Dockerfile's CMD, any free port.
    const env = Object.fromEntries(
      Object.entries(compose['x-service'].environment).map(([k, v]) => [k, substitute(v, vars)]),
    );
    env.DATABASE_URL = onTestServer(env.DATABASE_URL ?? '', t.name);
    env.DATABASE_PATH = join(tmp.dir, 'keys', 'hocvuso.db');
    env.PORT = '0';
    env.HOST = '127.0.0.1';
    const command = CMD.map((a) => (a === 'node' ? process.execPath : a));
    for (let i = 0; i < 2; i++) apps.push(spawnService(env, { command, killAfterMs: 240_000 }));
    const ports = await Promise.all(apps.map((a) => readyPort(a.stderr, 180_000)));
    for (const port of ports) expect(await waitForHealth(port, 200)).toMatchObject({ status: 'ok' });

    // The web chat answers on both, from the bundled knowledge, as the service's role.
    for (const port of ports) {
      const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'compose', text: 'VNeID là gì?' }),
      });
      expect(res.status).toBe(200);
      const replies = ((await res.json()) as { replies: { text: string }[] }).replies;
      expect(replies.map((r) => r.text).join('\n')).toMatch(/VNeID/);
    }
    const logs = apps.map((a) => a.stderr()).join('\n');
    expect(logs).toContain(`"database":"postgres://${APP_ROLE}`);
  }, 300_000);
});
