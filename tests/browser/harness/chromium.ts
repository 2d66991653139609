/**
 * Debian's Chromium driven by playwright-core (its own browser downloads cannot work here).
 * `CHROMIUM_PATH` overrides the binary. Tests skip, saying why, only when no binary exists.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
export const skipReason = `no Chromium at ${chromiumPath} (install Debian's chromium: npm run setup)`;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: FLAGS, headless: true });
}
