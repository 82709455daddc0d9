/**
 * fast-check generators for the conformance suite: shapes, pairs of shapes that broadcast, and
 * non-contiguous views (minitorch's strided-tensor strategies).
 *
 * A view is described by a {@link ViewSpec}: the shape of a fresh base tensor, the ops that turn it
 * into a view of the wanted shape, and — independently of strides — which base element each view
 * element is. That last map is the oracle: it says what the view must contain without trusting the
 * frontend's stride arithmetic.
 */
import fc from 'fast-check';
import type { Tensor } from '../../src/index.js';
import { at, build, type HostTensor } from './host.js';

export interface ShapeOptions {
  minRank?: number;
  maxRank?: number;
  minDim?: number;
  maxDim?: number;
}

export function shapeArb({ minRank = 0, maxRank = 4, minDim = 1, maxDim = 5 }: ShapeOptions = {}): fc.Arbitrary<number[]> {
  // unbiased: fast-check otherwise favours small dims, and the large variants exist to reach big ones
  return fc.array(fc.noBias(fc.integer({ min: minDim, max: maxDim })), { minLength: minRank, maxLength: maxRank });
}

/**
 * Shapes for the "larger" variant of a property: up to ~5000 elements, rows of up to 70, so that
 * SIMD remainders, tiles and the work split between threads are crossed (the small shapes, which
 * find most bugs and shrink well, never get there).
 */
export const LARGE_SHAPES: ShapeOptions = { minRank: 1, maxRank: 2, minDim: 5, maxDim: 70 };

/** A seed for {@link randomHost}. */
export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/**
 * Two shapes that broadcast together, each a "thinned" copy of a common output shape: some leading
 * dims dropped and some dims set to 1, independently per operand, so size-1 dims expand in both
 * directions (`[3,1] + [1,4]`) and ranks differ either way.
 */
export function broadcastPairArb(opts: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> {
  const thin = (out: number[]) =>
    fc
      .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
  return shapeArb(opts).chain((out) => fc.tuple(thin(out), thin(out)));
}

export interface ViewSpec {
  /** The contiguous tensor to start from. */
  readonly baseShape: readonly number[];
  /** Makes the view from a base tensor (intermediate views are left to the caller's tidy). */
  readonly make: (base: Tensor) => Tensor;
  /** The base index that view index `i` reads. */
  readonly toBase: (i: readonly number[]) => number[];
  /** E.g. `transpose(0,2)∘slice(1,1,:,2)`, for failure messages. */
  readonly label: string;
}

const identity = (shape: readonly number[]): ViewSpec => ({
  baseShape: [...shape],
  make: (t) => t,
  toBase: (i) => [...i],
  label: 'contiguous',
});

/** One view op that produces `shape` from some base shape. Returned as a function of the random choices. */
type Step = (shape: readonly number[]) => fc.Arbitrary<ViewSpec>;

const transposeStep: Step = (shape) =>
  fc.tuple(fc.nat(shape.length - 1), fc.nat(shape.length - 1)).map(([a, b]) => {
    const base = [...shape];
    [base[a], base[b]] = [base[b], base[a]];
    const swap = (i: readonly number[]) => {
      const j = [...i];
      [j[a], j[b]] = [j[b], j[a]];
      return j;
    };
    return { baseShape: base, make: (t) => t.transpose(a, b), toBase: swap, label: `transpose(${a},${b})` };
  });

const permuteStep: Step = (shape) =>
  fc
    .shuffledSubarray(
      shape.map((_, i) => i),
      { minLength: shape.length, maxLength: shape.length },
    )
    .map((perm) => {
      // view dim k is base dim perm[k]
      const base = new Array<number>(shape.length);
      perm.forEach((p, k) => {
        base[p] = shape[k];
      });
      const toBase = (i: readonly number[]) => {
        const j = new Array<number>(i.length);
        perm.forEach((p, k) => {
          j[p] = i[k];
        });
        return j;
      };
      return { baseShape: base, make: (t) => t.permute(perm), toBase, label: `permute(${perm})` };
    });

/** `t.slice(d, start, end, step)` with a step ≥ 2 and an offset, so the view has gaps and does not start at 0. */
const sliceStep: Step = (shape) =>
  fc
    .tuple(fc.nat(shape.length - 1), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 2, max: 3 }), fc.nat(2))
    .map(([d, start, step, extra]) => {
      const base = [...shape];
      const end = start + (shape[d] === 0 ? 0 : (shape[d] - 1) * step + 1);
      base[d] = end + extra;
      const toBase = (i: readonly number[]) => i.map((v, k) => (k === d ? start + v * step : v));
      return { baseShape: base, make: (t) => t.slice(d, start, end, step), toBase, label: `slice(${d},${start},${end},${step})` };
    });

const narrowStep: Step = (shape) =>
  fc.tuple(fc.nat(shape.length - 1), fc.integer({ min: 1, max: 2 }), fc.nat(2)).map(([d, off, extra]) => {
    const base = [...shape];
    base[d] = shape[d] + off + extra;
    const toBase = (i: readonly number[]) => i.map((v, k) => (k === d ? off + v : v));
    return { baseShape: base, make: (t) => t.narrow(d, off, shape[d]), toBase, label: `narrow(${d},${off},${shape[d]})` };
  });

/** Expands size-1 dims (stride 0) and adds leading ones: every view element of a broadcast dim is one base element. */
const expandStep: Step = (shape) =>
  fc
    .tuple(fc.nat(Math.min(shape.length, 1)), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
    .map(([lead, ones]) => {
      const base = shape.slice(lead).map((d, k) => (ones[k + lead] ? 1 : d));
      const toBase = (i: readonly number[]) => i.slice(lead).map((v, k) => (base[k] === 1 ? 0 : v));
      return { baseShape: base, make: (t) => t.expand(shape), toBase, label: `expand(${base}→${shape})` };
    });

const STEPS = [transposeStep, permuteStep, sliceStep, narrowStep, expandStep];

/** One or two view steps composed (the outer applied last), producing exactly `shape`; rank-0 shapes stay contiguous. */
export function viewArb(shape: readonly number[]): fc.Arbitrary<ViewSpec> {
  if (shape.length === 0) return fc.constant(identity(shape));
  const one = (s: readonly number[]) => (s.length === 0 ? fc.constant(identity(s)) : fc.oneof(...STEPS.map((step) => step(s))));
  const two = one(shape).chain((outer) =>
    one(outer.baseShape).map((inner) => ({
      baseShape: inner.baseShape,
      make: (t: Tensor) => outer.make(inner.make(t)),
      toBase: (i: readonly number[]) => inner.toBase(outer.toBase(i)),
      label: `${outer.label}∘${inner.label}`,
    })),
  );
  return fc.oneof(fc.constant(identity(shape)), one(shape), two);
}

/** What `spec.make(base)` must hold: each view element read from the base through `toBase`. */
export function viewOracle(spec: ViewSpec, base: HostTensor, shape: readonly number[]): HostTensor {
  return build(shape, base.dtype, (i) => at(base, spec.toBase(i)));
}
