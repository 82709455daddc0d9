/**
 * Elementwise kernels: one scalar expression mapped over views of one shape. The expression is
 * baked into the source (one compiled kernel per op and coalesced rank); values are float32 on the
 * device for every dtype, so int32 ops compute exactly while |values| < 2^24.
 */
import type { BinaryOp, UnaryOp, View } from '../../backend.js';
import { sizeOf } from '../../shape.js';
import { kernelSource, type Launch, meta } from './launch.js';
import { coalesce, isFlat, stridedMeta, viewsPreamble } from './view-code.js';

/** Unary ops as expressions in `v0` (the helpers live in kernel-math.ts). */
export const UNARY: Record<UnaryOp, string> = {
  neg: '-v0',
  exp: 'Math.exp(v0)',
  log: 'Math.log(v0)',
  sqrt: 'Math.sqrt(v0)',
  rsqrt: '1 / Math.sqrt(v0)',
  abs: 'Math.abs(v0)',
  sign: 'v0 > 0 ? 1 : (v0 < 0 ? -1 : 0)',
  tanh: 'tanh32(v0)',
  sigmoid: 'sigmoid32(v0)',
  erf: 'erf32(v0)',
  relu: 'v0 > 0 ? v0 : 0',
  gelu: 'gelu32(v0)',
  floor: 'Math.floor(v0)',
};

/** Binary ops in `v0` and `v1`; comparisons give 1 or 0. */
export const BINARY: Record<BinaryOp, string> = {
  add: 'v0 + v1',
  sub: 'v0 - v1',
  mul: 'v0 * v1',
  div: 'v0 / v1',
  pow: 'pow32(v0, v1)',
  maximum: 'maxNaN(v0, v1)',
  minimum: 'minNaN(v0, v1)',
  eq: 'v0 === v1 ? 1 : 0',
  ne: 'v0 !== v1 ? 1 : 0',
  lt: 'v0 < v1 ? 1 : 0',
  le: 'v0 <= v1 ? 1 : 0',
  gt: 'v0 > v1 ? 1 : 0',
  ge: 'v0 >= v1 ? 1 : 0',
  geluGrad: 'geluGrad32(v0, v1)',
};

/** `cond ? a : b` with an int32 mask. */
export const WHERE = 'v0 !== 0 ? v1 : v2';
/** A copy (contiguous, and casts that keep the value: int32 → float32). */
export const COPY = 'v0';
/** float → int32 truncates toward zero, as PyTorch. */
export const TRUNC = 'Math.trunc(v0)';

/**
 * `expr` over `views` (all of `views[0].shape`), written contiguously. `name` keys the kernel
 * (`unary:gelu`), and the coalesced rank picks its variant.
 */
export function mapLaunch(name: string, expr: string, views: readonly View[]): Launch {
  const c = coalesce(views[0].shape, views);
  const rank = isFlat(c) ? 'flat' : c.shape.length;
  const args = [...views.map((_, j) => `x${j}`), ...(rank === 'flat' ? [] : ['meta'])];
  const reads = views.map((_, j) => `const v${j} = x${j}[p${j}];`).join('\n');
  return {
    op: name.replace(':', ' '),
    key: `${name}:${rank}`,
    source: () => kernelSource(args, `${viewsPreamble(rank, views.length)}\n${reads}\nreturn ${expr};`),
    inputs: views.map((v) => v.dataId),
    tables: rank === 'flat' ? [] : [meta(stridedMeta(c))],
    outSize: sizeOf(views[0].shape),
  };
}
