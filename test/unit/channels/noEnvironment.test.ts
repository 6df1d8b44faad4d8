/**
 * One composition root: every setting is parsed once at start (config.ts,
 * channelSettings.ts) and the channels get typed settings. A channel that
 * read the environment itself would parse its variables a second time, with
 * its own rules and its own error messages, and could not be given settings
 * by anything but the environment. This reads the channels' source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../../src');
const CHANNELS = join(SRC, 'channels');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('channels never read the environment', () => {
  const files = sources(CHANNELS).map((path) => ({ path: relative(SRC, path), code: readFileSync(path, 'utf8') }));

  it('finds the channels', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('no channel file touches process.env', () => {
    expect(files.filter((f) => /process\.env/.test(f.code)).map((f) => f.path)).toEqual([]);
  });

  it("a channel's settings are parsed only where all settings are (and by the CLI command of that channel)", () => {
    const callers = sources(SRC)
      .map((path) => ({ path: relative(SRC, path), code: readFileSync(path, 'utf8') }))
      .filter((f) => /\bload(?:Telegram|Zalo)Config\(/.test(f.code) && !/^channels\/\w+\/config\.ts$/.test(f.path))
      .map((f) => f.path)
      .sort();
    expect(callers).toEqual(['channelSettings.ts', 'cli/zalo.ts']);
  });
});
