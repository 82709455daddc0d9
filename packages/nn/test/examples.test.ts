/**
 * The repository's examples run (in their short smoke mode) against the built packages, so that what
 * a reader runs first keeps working. `npm test` builds every package before it tests.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const run = (file: string) =>
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'examples', file)], {
    cwd: root,
    env: { ...process.env, SETR_SMOKE: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('examples (smoke mode)', () => {
  it('tensor-demo prints a tour and keeps one tensor from tidy', () => {
    expect(run('tensor-demo.ts')).toContain('tidy kept 1 tensor: true');
  });
  it('autograd-demo fits a line and passes gradcheck', () => {
    expect(run('autograd-demo.ts')).toMatch(/gradcheck passed on 18 elements/);
  });
  it('train-tiny-segmenter trains, evaluates and writes a checkpoint', () => {
    const out = run('train-tiny-segmenter.ts');
    expect(out).toMatch(/validation mIoU: \d+\.\d%/);
    expect(out).toMatch(/checkpoint written: .*tiny-segmenter\.safetensors/);
  });
});
