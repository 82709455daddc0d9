/**
 * Checking analytic gradients against finite differences, the way every op of this package is
 * tested. For a function f of some tensors, backward gives ∂L/∂x for L = Σ f(x) ⊙ r, with r a fixed
 * pseudo-random cotangent (checking one random projection of the Jacobian catches wrong gradients
 * almost surely, at the cost of one backward pass). Each element of each input is then nudged by ±eps
 * and the central difference (L(x + eps) − L(x − eps)) / 2eps compared with it. In float64 the
 * difference is accurate to about eps² (truncation) + 1e-16/eps (rounding): ~1e-10 for eps = 1e-6.
 */
import { fromTypedArray, type Tensor, tidy, unravel, withBackend } from '@setr-ts/tensor';
import { noGrad } from './grad-mode.js';
import { parameter, type Variable, variable } from './variable.js';

/** Step and tolerances of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, of the numeric value (default 1e-3). */
  rtol?: number;
  /** Seed of the cotangent r (default 0). */
  seed?: number;
}

/** What {@link gradcheck} compared, when it passed. */
export interface GradcheckResult {
  /** Elements compared, over all inputs. */
  readonly elements: number;
  /** Largest |analytic − numeric| seen. */
  readonly maxAbsDiff: number;
}

/**
 * Checks the gradients of `fn` with respect to each of `inputs` (float tensors on any backend). The
 * inputs' values are copied into float64 tensors on the reference backend, which is also the current
 * backend while `fn` runs, so finite differences are accurate whatever backend the caller uses; the
 * inputs themselves are never changed. Throws an Error naming the input, the element's index and both
 * values at the first element where |analytic − numeric| > atol + rtol·|numeric|.
 * @example gradcheck((a, b) => a.mul(b).sum(1), [randn([2, 3]), randn([3])]);
 */
export function gradcheck(fn: (...xs: Variable[]) => Variable, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  inputs.forEach((t, i) => {
    if (t.dtype === 'int32') throw new Error(`gradcheck: input ${i} (shape [${t.shape.join(',')}]) is int32; gradients need float inputs`);
  });
  const values = inputs.map((t) => Float64Array.from(t.dataSync()));
  return withBackend('reference', () => check(fn, inputs, values, opts));
}

function check(
  fn: (...xs: Variable[]) => Variable,
  inputs: readonly Tensor[],
  values: Float64Array[],
  opts: GradcheckOptions,
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = opts;
  const fresh = (i: number, vals: Float64Array) => fromTypedArray(vals, inputs[i].shape, 'float64');
  const { analytic, r } = analyticGradients(fn, inputs.length, (i) => fresh(i, values[i]), seed);
  const loss = (i: number, perturbed: Float64Array) =>
    tidy(() => {
      const y = noGrad(() => fn(...values.map((v, k) => variable(fresh(k, k === i ? perturbed : v))))).dataSync();
      let sum = 0;
      for (let j = 0; j < y.length; j++) sum += y[j] * r[j];
      return sum;
    });

  let elements = 0;
  let maxAbsDiff = 0;
  values.forEach((v, i) => {
    for (let j = 0; j < v.length; j++) {
      const nudged = v.slice();
      nudged[j] = v[j] + eps;
      const up = loss(i, nudged);
      nudged[j] = v[j] - eps;
      const down = loss(i, nudged);
      const numeric = (up - down) / (2 * eps);
      const a = analytic[i][j];
      const diff = Math.abs(a - numeric);
      if (!(diff <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck: input ${i} (shape [${inputs[i].shape.join(',')}]), index [${indexOf(j, inputs[i].shape).join(',')}]: ` +
            `analytic ${a} vs numeric ${numeric} (|diff| ${diff.toExponential(3)} > atol ${atol} + rtol ${rtol}·|numeric|)`,
        );
      }
      elements++;
      maxAbsDiff = Math.max(maxAbsDiff, diff);
    }
  });
  return { elements, maxAbsDiff };
}

/** One forward and backward pass with output gradient r: the gradients of L = Σ f(x) ⊙ r. */
function analyticGradients(
  fn: (...xs: Variable[]) => Variable,
  n: number,
  makeInput: (i: number) => Tensor,
  seed: number,
): { analytic: Float64Array[]; r: Float64Array } {
  return tidy(() => {
    const params = Array.from({ length: n }, (_, i) => parameter(makeInput(i)));
    const out = fn(...params);
    if (out.dtype !== 'float64') throw new Error(`gradcheck: the function returned ${out.dtype}; it must keep the float64 inputs' dtype`);
    const r = cotangent(out.size, seed);
    if (out.requiresGrad) out.backward(fromTypedArray(r, out.shape, 'float64', out.data.backend));
    const analytic = params.map((p) => (p.grad ? (p.grad.dataSync() as Float64Array) : new Float64Array(p.size)));
    for (const p of params) p.zeroGrad();
    return { analytic, r };
  });
}

/** Deterministic values in [−1, 1) from a seed (mulberry32), independent of the tensor package's generator. */
function cotangent(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Row-major multi-index of flat position `j` in `shape`. */
function indexOf(j: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  unravel(j, shape, index);
  return index;
}
