/**
 * Debian's chromium, as every browser test starts it: headless, no sandbox
 * (CI runs as root), and none of the browser's own outside connections, so a
 * test reaches nothing but the loopback server under test. A missing browser
 * fails with the command that installs it, never with a skipped test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Throws with the install command when chromium is missing (call before any other set-up). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}, which is missing. ` +
        'Install it with: apt-get update && apt-get install -y chromium',
    );
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
