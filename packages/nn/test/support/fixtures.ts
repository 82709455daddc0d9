/**
 * Reading the PyTorch fixtures that scripts/gen_fixtures.py writes (tensors as `{shape, data}`), and
 * comparing our results with them.
 */
import { readFileSync } from 'node:fs';
import { type DType, fromTypedArray, type Tensor } from '@setr-ts/tensor';
import { expect } from 'vitest';

export interface TensorJson {
  readonly shape: number[];
  readonly data: (number | null)[];
}

/** A parsed fixture file from test/fixtures. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function fixturePath(name: string): string {
  return new URL(`../fixtures/${name}`, import.meta.url).pathname;
}

/** A fixture tensor as a Tensor (float64 unless given: the fixtures are computed in float64). */
export function toTensor(j: TensorJson, dtype: DType = 'float64'): Tensor {
  const values =
    dtype === 'int32'
      ? new Int32Array(j.data.length)
      : dtype === 'float32'
        ? new Float32Array(j.data.length)
        : new Float64Array(j.data.length);
  j.data.forEach((v, i) => {
    values[i] = v === null ? Number.NaN : v;
  });
  return fromTypedArray(values, j.shape, dtype);
}

/** Checks shape and every value: |actual − expected| ≤ atol + rtol·|expected| (NaN must match NaN). */
export function expectClose(actual: Tensor, expected: TensorJson, { rtol = 1e-9, atol = 1e-10, what = 'tensor' } = {}): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const got = actual.dataSync();
  let worst = -1;
  let worstExcess = 0;
  expected.data.forEach((e, i) => {
    const want = e === null ? Number.NaN : e;
    const nan = Number.isNaN(want) || Number.isNaN(got[i]);
    const excess = nan
      ? Number.isNaN(want) === Number.isNaN(got[i])
        ? 0
        : Number.POSITIVE_INFINITY
      : Math.abs(got[i] - want) - (atol + rtol * Math.abs(want));
    if (excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
  });
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${got[worst]}, expected ${expected.data[worst]} (rtol ${rtol}, atol ${atol})`);
}
