/**
 * The browser the tests drive: Debian's Chromium (/usr/bin/chromium, or $SETR_CHROMIUM). Where it is
 * missing a test is skipped with a note, except in CI (CI=true), where that is an error: CI installs it
 * (`.ci/run`: apt-get install chromium).
 */
import { existsSync } from 'node:fs';

/** The Chromium executable the tests launch. */
export const CHROMIUM = process.env.SETR_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether Chromium is here for the test named `test`: false with a note where it is not, an error in CI.
 * @example describe.skipIf(!chromiumHere('web demo test'))('the web demo in headless Chromium', () => { ... });
 */
export function chromiumHere(test: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${test}: ${CHROMIUM} is missing; CI must install it (apt-get install chromium)`);
  console.warn(`${test} skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SETR_CHROMIUM)`);
  return false;
}
