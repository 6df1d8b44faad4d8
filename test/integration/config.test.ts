/**
 * The settings every entry point reads: defaults that make `npm start` work
 * with no .env at all, and a start-up error that names the bad variable.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, embeddingsEnabled, loadConfig } from '../../src/config.js';
import { redactDatabaseUrl } from '../../src/databaseUrl.js';

/** Runs loadConfig and returns the ConfigError it must throw. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_PATH: 'data/hocvuso.db',
      KNOWLEDGE_DIR: 'knowledge',
      COMMUNE_ID: 'hung-chau',
      LOG_LEVEL: 'info',
      MAX_BODY_BYTES: 64_000,
    });
    expect(c.OPENAI_API_KEY).toBeUndefined();
    expect(c.OPENAI_BASE_URL).toBeUndefined();
    expect(c.EMBEDDINGS_MODEL).toBeUndefined();
    expect(embeddingsEnabled(c)).toBe(false);
  });

  it('parses valid values and ignores variables it does not know', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_PATH: '/var/lib/hocvuso/x.db',
      KNOWLEDGE_DIR: '/srv/kb',
      LOG_LEVEL: 'debug',
      MAX_BODY_BYTES: '2048',
      HOME: '/root',
      SOMETHING_ELSE: 'abc',
    });
    expect(c).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      DATABASE_PATH: '/var/lib/hocvuso/x.db',
      KNOWLEDGE_DIR: '/srv/kb',
      LOG_LEVEL: 'debug',
      MAX_BODY_BYTES: 2048,
    });
    expect(c).not.toHaveProperty('HOME');
    expect(c).not.toHaveProperty('SOMETHING_ELSE');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3.5'],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['PORT', '80 80'],
    ['HOST', '999.1.1.1'],
    ['HOST', '0x7f.1'],
    ['HOST', 'ten may'],
    ['HOST', '-host'],
    ['LLM_TIMEOUT_MS', '1e4'],
    ['MAX_BODY_BYTES', '0x1000'],
    ['RATE_LIMIT_PER_MINUTE', '3e1'],
    ['LOG_LEVEL', 'loud'],
    ['MAX_BODY_BYTES', '10'],
    ['COMMUNE_ID', 'Xã Hùng Châu'],
    ['OPENAI_BASE_URL', 'localhost:8080'],
  ])('rejects %s=%s with a ConfigError naming the variable and the value', (name, value) => {
    const err = configErrorOf({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(new RegExp(`^${name}\\b`));
    expect(err.issues[0]).toContain(JSON.stringify(value));
    expect(err.message).toContain(name);
  });

  it('lists every bad variable at once', () => {
    const err = configErrorOf({ PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(err.issues).toHaveLength(2);
    expect(err.message).toContain('PORT');
    expect(err.message).toContain('LOG_LEVEL');
  });

  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['127.0.0.1', '127.0.0.1'],
    ['::', '::'],
    ['[::1]', '::1'],
    ['localhost', 'localhost'],
    ['may-chu.hungchau.local', 'may-chu.hungchau.local'],
  ])('accepts HOST=%s as an address or host name', (value, parsed) => {
    expect(loadConfig({ HOST: value }).HOST).toBe(parsed);
  });

  it('reads PORT and the other numbers as plain decimal digits only', () => {
    expect(loadConfig({ PORT: '8080' }).PORT).toBe(8080);
    expect(loadConfig({ PORT: ' 0 ' }).PORT).toBe(0);
    expect(loadConfig({ PORT: '65535' }).PORT).toBe(65535);
    expect(loadConfig({ MAX_BODY_BYTES: '10000000' }).MAX_BODY_BYTES).toBe(10_000_000);
  });

  it('treats empty and whitespace-only strings as unset', () => {
    const c = loadConfig({
      PORT: '',
      HOST: '   ',
      DATABASE_PATH: '',
      KNOWLEDGE_DIR: ' ',
      LOG_LEVEL: '',
      COMMUNE_ID: '',
      MAX_BODY_BYTES: '',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '  ',
      EMBEDDINGS_MODEL: '',
    });
    expect(c).toEqual(loadConfig({}));
  });

  it('turns embeddings on only with a model and a key or base URL', () => {
    expect(embeddingsEnabled(loadConfig({ EMBEDDINGS_MODEL: 'm' }))).toBe(false);
    expect(embeddingsEnabled(loadConfig({ OPENAI_API_KEY: 'sk-test' }))).toBe(false);
    expect(embeddingsEnabled(loadConfig({ EMBEDDINGS_MODEL: 'm', OPENAI_API_KEY: 'sk-test' }))).toBe(true);
    expect(embeddingsEnabled(loadConfig({ EMBEDDINGS_MODEL: 'm', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }))).toBe(
      true,
    );
  });
});

describe('DATABASE_URL', () => {
  it('is unset by default: the service runs on the SQLite file', () => {
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  it('accepts postgres:// and postgresql:// addresses', () => {
    for (const url of ['postgres://app:pw@db.example:5432/hocvuso', 'postgresql:///hocvuso?host=/run/postgresql']) {
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
  });

  it('refuses any other address and never repeats its password', () => {
    for (const url of ['mysql://app:s3cr3t-pw@db/hocvuso', 'http://app:s3cr3t-pw@db/hocvuso', 'data/hocvuso.db']) {
      const err = configErrorOf({ DATABASE_URL: url });
      expect(err.issues[0]).toMatch(/^DATABASE_URL = .*postgres:\/\//);
      expect(err.message).not.toContain('s3cr3t-pw');
    }
    expect(configErrorOf({ DATABASE_URL: 'mysql://app:s3cr3t-pw@db/x' }).issues[0]).toContain('mysql://app:***@db/x');
    // Typed without its scheme, the value parses as a URL of scheme "app:": hidden whole.
    expect(configErrorOf({ DATABASE_URL: 'app:s3cr3t-pw@db/x' }).message).not.toContain('s3cr3t-pw');
  });

  it('names the socket form when a password comes with no host, and accepts that form', () => {
    const err = configErrorOf({ DATABASE_URL: 'postgres://app:s3cr3t-pw@/hocvuso?host=/run/postgresql' });
    expect(err.issues[0]).toContain('@localhost/tên_csdl?host=%2Fvar%2Frun%2Fpostgresql');
    expect(err.message).not.toContain('s3cr3t-pw');
    const socket = 'postgres://app:pw@localhost/hocvuso?host=%2Frun%2Fpostgresql';
    expect(loadConfig({ DATABASE_URL: socket }).DATABASE_URL).toBe(socket);
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password wherever the URL carries it, and keeps what locates the database', () => {
    expect(redactDatabaseUrl('postgres://app:p%40ss@db:5433/hocvuso?sslmode=require')).toBe(
      'postgres://app:***@db:5433/hocvuso?sslmode=require',
    );
    expect(redactDatabaseUrl('postgresql://app@db/hocvuso?password=s3cr3t')).toBe(
      'postgresql://app@db/hocvuso?password=***',
    );
    expect(redactDatabaseUrl('not a url s3cr3t')).toBe('(ẩn)');
  });
});
