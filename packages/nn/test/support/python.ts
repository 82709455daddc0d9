/**
 * Optional cross-checks with PyTorch: files written here are read by scripts/gen_fixtures.py. Only
 * when /usr/bin/python3 with torch exists; the suite never needs it (those tests are skipped).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = '/usr/bin/python3';
const script = new URL('../../scripts/gen_fixtures.py', import.meta.url).pathname;

export const hasTorch =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

/** Runs gen_fixtures.py with `args` and parses what it prints. */
export function runFixtureScript(...args: string[]): unknown {
  return JSON.parse(execFileSync(python, [script, ...args], { encoding: 'utf8' }));
}
