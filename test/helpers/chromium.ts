/**
 * Headless Chromium for browser tests: playwright-core drives the system's Chromium (Debian's
 * `chromium` package), so no browser is downloaded. Without one, browser suites are skipped
 * and say how to install it, as describeOnPostgres does for PostgreSQL.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function describeWithChromium(suite: string, body: () => void): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    // eslint-disable-next-line no-console
    console.warn(
      `"${suite}" needs Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(.ci/run does when apt-get is available), or set CHROMIUM_PATH to a Chromium binary',
    );
    describe.skip(suite, body);
    return;
  }
  describe(suite, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
}
