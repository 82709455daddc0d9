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
  it('tensor-backends runs every op on every backend, agrees with the reference and leaks nothing', () => {
    const out = run('tensor-backends.ts');
    for (const backend of ['reference', 'wasm', 'gpujs']) {
      // one timed row per op, or a line saying why the backend cannot run here
      const rows = out.split('\n').filter((l) => l.startsWith(`${backend} `) && / ms {3}/.test(l));
      if (!out.includes(`${backend}: not available here`)) expect(rows, `${backend} rows`).toHaveLength(7);
    }
    expect(out).toContain('every backend agrees with the reference to 1e-5: true');
    expect(out).toContain('live tensors left: 0');
  }, 120_000);
  it('autograd-demo goes from a scalar to tensors, fits a line and passes gradcheck', () => {
    const out = run('autograd-demo.ts');
    expect(out).toContain("scalar: f(2) = 10, f'(2) = 7");
    expect(out).toContain('graph: add(mul(x, x), mul(x, const))');
    expect(out).toContain('c.grad = column sums of x = tensor([5., 7., 9.])');
    const losses = [...out.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses.length).toBeGreaterThanOrEqual(2);
    expect(losses.at(-1)).toBeLessThan(losses[0] / 10); // gradient descent makes progress
    expect(out).toMatch(/gradcheck passed on 18 elements/);
  });
  it('mlp-toy learns two moons, generalises to held-out points and reloads its checkpoint', () => {
    const out = run('mlp-toy.ts');
    expect(out).toContain('354 parameters');
    const losses = [...out.matchAll(/step \d+: loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(5);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
    const [, train, test] = out.match(/train accuracy (\d+\.\d)%, test accuracy (\d+\.\d)%/) ?? [];
    expect(Number(train)).toBeGreaterThanOrEqual(90); // chance is 50% (two balanced classes)
    expect(Number(test)).toBeGreaterThanOrEqual(90);
    expect(out).toMatch(/reloaded: same test accuracy: true/);
  });
  it('train-tiny-segmenter trains, evaluates and writes a checkpoint', () => {
    const out = run('train-tiny-segmenter.ts');
    expect(out).toMatch(/validation mIoU: \d+\.\d%/);
    expect(out).toMatch(/checkpoint written: .*tiny-segmenter\.safetensors/);
  });
});
