/**
 * Debian's chromium, as every browser test starts it: headless, no sandbox
 * (CI runs as root), and none of the browser's own outside connections, so a
 * test reaches nothing but the loopback server under test. A missing browser
 * fails with the command that installs it, never with a skipped test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

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

/**
 * What went wrong on a page, as the browser tests assert it never does: console errors and warnings
 * (a Content Security Policy violation is one), uncaught errors, and responses of 400 or more. A failed
 * load is reported once, by its response with the address; the browser's own favicon request is let pass.
 * The array fills as the page runs: assert on it after the steps.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().startsWith('Failed to load resource')) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && new URL(res.url()).pathname !== '/favicon.ico') {
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}
