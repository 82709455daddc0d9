/**
 * The scalar functions gpujs kernels call (kernel-math.ts): first as plain TypeScript in float64,
 * where only the approximation's own error shows, then compiled into kernels in webasm and webgpu,
 * where float32 arithmetic (and the GPU's exp) adds its part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpujsBackend, type GpujsBackend } from '../src/backends/gpujs/gpujs-backend.js';
import { divFloor, erf32, gelu32, pow32, sigmoid32, tanh32 } from '../src/backends/gpujs/kernel-math.js';
import { erf, gelu, sigmoid } from '../src/math.js';

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** Largest |f(x) − g(x)| / max(|g(x)|, floor) over xs: relative error, absolute near zero. */
function worst(xs: readonly number[], f: (x: number) => number, g: (x: number) => number, floor = 1e-30): number {
  return Math.max(...xs.map((x) => Math.abs(f(x) - g(x)) / Math.max(Math.abs(g(x)), floor)));
}

describe('kernel math in float64: the approximations themselves', () => {
  it('erf32: the series below 0.5 (its coefficients) and Numerical Recipes erfc above, within 1.2e-7', () => {
    // the Maclaurin part is exact to ~1e-10; a wrong coefficient would show here at once
    expect(worst(grid(-0.4999, 0.4999, 2001), erf32, erf)).toBeLessThan(1e-9);
    expect(worst(grid(-6, 6, 4001), erf32, erf, 1e-3)).toBeLessThan(1.2e-7);
    expect([erf32(0), erf32(10), erf32(-10), erf32(Number.NaN)]).toEqual([0, 1, -1, Number.NaN]);
  });

  it('gelu32: the exact erf form, accurate in the left tail too', () => {
    expect(worst(grid(-6, 6, 4001), gelu32, gelu, 1e-3)).toBeLessThan(2e-7);
    // x·Φ(x) for x = −5: Φ(−5) = 2.866515718791939e-7 (Abramowitz & Stegun, table 26.1)
    expect(Math.abs(gelu32(-5) / (-5 * 2.866515718791939e-7) - 1)).toBeLessThan(2e-7);
  });

  it('tanh32 and sigmoid32 agree with Math.tanh and the reference, and never overflow', () => {
    expect(worst(grid(-0.2499, 0.2499, 2001), tanh32, Math.tanh)).toBeLessThan(1e-8);
    expect(worst(grid(0.25, 30, 6001), tanh32, Math.tanh)).toBeLessThan(1e-15);
    expect(worst(grid(-30, 30, 6001), sigmoid32, sigmoid)).toBeLessThan(1e-15);
    expect([tanh32(1000), tanh32(-1000), sigmoid32(-1000), sigmoid32(1000)]).toEqual([1, -1, 0, 1]);
  });

  it('pow32 follows JavaScript for negative bases, zero exponents and zero bases', () => {
    const cases: [number, number][] = [
      [-2, 3],
      [-2, 2],
      [-2, -1],
      [-2, 0.5],
      [0, 0],
      [0, 2],
      [0, -1],
      [3, 0],
      [2.5, 1.5],
    ];
    for (const [a, b] of cases) expect(pow32(a, b), `${a}^${b}`).toBe(a ** b);
  });

  it('divFloor is floor(a / b) for integers up to 2^24', () => {
    for (const b of [1, 2, 3, 7, 10, 255, 4096, 99991]) {
      for (const a of [0, 1, b - 1, b, b + 1, 3 * b, 2 ** 24 - 1, 2 ** 24 - b, 1234567])
        expect(divFloor(a, b), `${a} / ${b}`).toBe(Math.floor(a / b));
    }
    expect(divFloor(-1, 3)).toBe(-1);
  });
});

describe.each(['webasm', 'webgpu'])('kernel math compiled (%s), float32 throughout', (mode) => {
  let backend: GpujsBackend;
  beforeAll(async () => {
    backend = await createGpujsBackend({ mode });
  });
  afterAll(() => backend.dispose());

  /** The unary op over xs on the device, then its largest error against `ref` (relative, absolute below `floor`). */
  async function deviceError(
    op: 'erf' | 'gelu' | 'tanh' | 'sigmoid',
    xs: readonly number[],
    ref: (x: number) => number,
    floor: number,
  ): Promise<number> {
    const id = backend.write(Float32Array.from(xs), 'float32');
    const out = backend.unary({ dataId: id, dtype: 'float32', shape: [xs.length], strides: [1], offset: 0 }, { op });
    const got = await backend.read(out, 'float32');
    backend.disposeData(id);
    backend.disposeData(out);
    const x32 = Float32Array.from(xs);
    return Math.max(...Array.from(x32, (x, i) => Math.abs(got[i] - ref(x)) / Math.max(Math.abs(ref(x)), floor)));
  }

  // bounds: a few float32 ulps (2^-24 ≈ 6e-8) on top of the approximations above; the GPU's exp
  // (WGSL allows 3 + 2|x| ulps) adds to it on webgpu. gelu's is larger because rounding x/√2 to
  // float32 moves erfc(x/√2) by about 2(x/√2)² of that rounding in the tail (conditioning, not method)
  it.each([
    { op: 'erf', ref: erf, bound: 4e-7 },
    { op: 'gelu', ref: gelu, bound: 4e-6 },
    { op: 'tanh', ref: Math.tanh, bound: 2e-6 },
    { op: 'sigmoid', ref: sigmoid, bound: 2e-6 },
  ] as const)('$op over [-10, 10] within $bound', async ({ op, ref, bound }) => {
    expect(await deviceError(op, grid(-10, 10, 4001), ref, 1e-3)).toBeLessThan(bound);
  });
});
