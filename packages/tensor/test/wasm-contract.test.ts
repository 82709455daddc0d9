/**
 * The numbers the wasm backend's TypeScript side and its kernels share (op codes, job fields, scratch
 * layout) are generated into both from one table. The generated files are committed; this fails when
 * one of them is not what scripts/gen-contract.mjs makes of the table now, i.e. when the table or a
 * generated file was edited without regenerating.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the generated contract files are up to date with scripts/gen-contract.mjs', () => {
  const script = fileURLToPath(new URL('../scripts/gen-contract.mjs', import.meta.url));
  // --check writes nothing, and exits non-zero (naming the stale files) when a file differs
  expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
});
