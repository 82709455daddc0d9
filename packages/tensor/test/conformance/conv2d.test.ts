/**
 * conv2d and its two backward kernels over random geometry (stride, padding, dilation, groups,
 * rectangular kernels). Three checks tie them together: a direct-sum oracle for the forward pass,
 * agreement with the reference for all three kernels, and the adjoint identities
 * ⟨conv(x, w), dy⟩ = ⟨x, dX(dy, w)⟩ = ⟨w, dW(x, dy)⟩, which hold only if the backward kernels
 * are the exact transposes of the forward one.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type Conv2dOptions, conv2d, conv2dBackwardInput, conv2dBackwardWeight, tensor } from '../../src/index.js';
import { expectAdjoint } from '../support/adjoint.js';
import { seedArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { at, build, type HostTensor, host, randomHost } from '../support/host.js';
import { looser, ORACLE_TOL } from '../support/oracle.js';
import { summed } from '../support/tolerance.js';

interface Geometry {
  x: number[];
  w: number[];
  opts: Required<Conv2dOptions> & { stride: [number, number]; padding: [number, number]; dilation: [number, number] };
  out: number[];
}

const outSize = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

type Range = [number, number];

/** Inclusive ranges for each geometry parameter; `extra` is how much larger than the kernel's reach the input is. */
interface Limits {
  n: Range;
  groups: Range;
  cig: Range;
  cog: Range;
  k: Range;
  stride: Range;
  padding: Range;
  dilation: Range;
  extra: Range;
}

const SMALL: Limits = {
  n: [1, 2],
  groups: [1, 3],
  cig: [1, 2],
  cog: [1, 2],
  k: [1, 3],
  stride: [1, 3],
  padding: [0, 2],
  dilation: [1, 2],
  extra: [0, 4],
};
/** Enough channels and pixels to cross the tiles and SIMD widths of an im2col + GEMM kernel. */
const LARGE: Limits = {
  n: [1, 1],
  groups: [1, 2],
  cig: [1, 6],
  cog: [4, 10],
  k: [1, 5],
  stride: [1, 2],
  padding: [0, 2],
  dilation: [1, 2],
  extra: [6, 12],
};

function geometryArb(l: Limits): fc.Arbitrary<Geometry> {
  const int = ([min, max]: Range) => fc.noBias(fc.integer({ min, max }));
  const pair = (r: Range) => fc.tuple(int(r), int(r));
  return fc
    .record({
      n: int(l.n),
      groups: int(l.groups),
      cig: int(l.cig),
      cog: int(l.cog),
      k: pair(l.k),
      stride: pair(l.stride),
      padding: pair(l.padding),
      dilation: pair(l.dilation),
      extra: pair(l.extra),
    })
    .map(({ n, groups, cig, cog, k, stride, padding, dilation, extra }) => {
      // the smallest input that yields one output pixel, plus `extra`
      const size = (d: 0 | 1) => Math.max(1, dilation[d] * (k[d] - 1) + 1 - 2 * padding[d]) + extra[d];
      const [h, w] = [size(0), size(1)];
      const out = [
        n,
        groups * cog,
        outSize(h, k[0], stride[0], padding[0], dilation[0]),
        outSize(w, k[1], stride[1], padding[1], dilation[1]),
      ];
      return { x: [n, groups * cig, h, w], w: [groups * cog, cig, k[0], k[1]], opts: { stride, padding, dilation, groups }, out };
    });
}

/** The convolution (without bias) written as its definition, in float64. */
function hostConv(x: HostTensor, w: HostTensor, g: Geometry): HostTensor {
  const [, , h, wd] = g.x;
  const [co, cig, kh, kw] = g.w;
  const { stride, padding, dilation, groups } = g.opts;
  return build(g.out, 'float32', ([b, o, oy, ox]) => {
    const group = Math.floor(o / (co / groups));
    let s = 0;
    for (let ci = 0; ci < cig; ci++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const iy = oy * stride[0] - padding[0] + ky * dilation[0];
          const ix = ox * stride[1] - padding[1] + kx * dilation[1];
          if (iy >= 0 && iy < h && ix >= 0 && ix < wd) s += at(x, [b, group * cig + ci, iy, ix]) * at(w, [o, ci, ky, kx]);
        }
      }
    }
    return s;
  });
}

const convCase = (l: Limits) =>
  geometryArb(l).chain((g) => fc.record({ g: fc.constant(g), xView: viewArb(g.x), bias: fc.boolean(), seed: seedArb }));

describeBackends('conv2d', (h) => {
  const check = (limits: Limits, numRuns: number) =>
    property(
      convCase(limits),
      async ({ g, xView, bias, seed }) => {
        const xBase = randomHost(xView.baseShape, seed);
        const w = randomHost(g.w, seed + 1);
        const b = randomHost([g.w[0]], seed + 2);
        const dy = randomHost(g.out, seed + 3);
        const taps = g.w[1] * g.w[2] * g.w[3];
        const [y, dx, dw] = await h.agree(
          [xBase, w, b, dy],
          (xt, wt, bt, dyt) => {
            const x = xView.make(xt);
            return [
              conv2d(x, wt, bias ? bt : null, g.opts),
              conv2dBackwardInput(dyt, wt, g.x, g.opts),
              conv2dBackwardWeight(x, dyt, g.w, g.opts),
            ];
          },
          summed(h.tol, taps * g.out[2] * g.out[3]),
        );
        const x = viewOracle(xView, xBase, g.x);
        const label = `x [${g.x}] (${xView.label}) w [${g.w}] ${JSON.stringify(g.opts)}`;
        const yNoBias = hostConv(x, w, g);
        const plane = g.out[2] * g.out[3];
        const want = host(
          g.out,
          Array.from(yNoBias.data, (v, i) => v + (bias ? b.data[Math.floor(i / plane) % g.w[0]] : 0)),
        );
        expectHostClose(y, want, summed(looser(h.tol, ORACLE_TOL), taps), `conv2d ${label}`);
        // ⟨conv(x, w), dy⟩ (without bias) = ⟨x, dx⟩ = ⟨w, dw⟩
        expectAdjoint(yNoBias.data, dy.data, x.data, dx.data, `conv2dBackwardInput, ${label}`);
        expectAdjoint(yNoBias.data, dy.data, w.data, dw.data, `conv2dBackwardWeight, ${label}`);
      },
      numRuns,
    );

  it('forward matches the definition; both backward kernels are its adjoints', () => check(SMALL, 40));
  it('the same with more channels and pixels', () => check(LARGE, 4));

  it('errors name the op and the shapes', () => {
    const on = { backend: h.backend };
    const x = tensor(new Array(2 * 4 * 5 * 5).fill(1), [2, 4, 5, 5], 'float32', on);
    const w = tensor(new Array(6 * 2 * 3 * 3).fill(1), [6, 2, 3, 3], 'float32', on);
    const big = tensor(new Array(6 * 4 * 7 * 7).fill(1), [6, 4, 7, 7], 'float32', on);
    const dy = tensor(new Array(2 * 6 * 2 * 2).fill(1), [2, 6, 2, 2], 'float32', on);
    const xi = tensor(new Array(2 * 4 * 5 * 5).fill(1), [2, 4, 5, 5], 'int32', on);
    const bias = tensor([1, 2], undefined, 'float32', on);
    expect(() => conv2d(x, w)).toThrow(/conv2d: weight \[6,2,3,3\] expects 2 input channels, input \[2,4,5,5\] has 4/);
    expect(() => conv2d(x, w, null, { groups: 3 })).toThrow(/conv2d: channels in 4 and out 6 must divide by groups 3/);
    expect(() => conv2d(x, big)).toThrow(/conv2d: input \[2,4,5,5\] is too small for kernel 7x7/);
    expect(() => conv2d(x, w, null, { stride: 0, groups: 2 })).toThrow(/conv2d: invalid options stride=\[0,0\]/);
    expect(() => conv2d(x.reshape(8, 5, 5), w)).toThrow(
      /conv2d: expected input \[N,C,H,W\] and weight \[Co,C\/groups,kh,kw\], got \[8,5,5\] and \[6,2,3,3\]/,
    );
    expect(() => conv2d(x, w, bias, { groups: 2 })).toThrow(/conv2d: bias \[2\] must be \[6\]/);
    expect(() => conv2d(xi, w, null, { groups: 2 })).toThrow(/conv2d: expected dtype float32 or float64, got int32/);
    expect(() => conv2dBackwardInput(dy, w, [2, 4, 5, 5], { groups: 2 })).toThrow(
      /conv2dBackwardInput: dy \[2,6,2,2\] should be \[2,6,3,3\]/,
    );
    expect(() => conv2dBackwardWeight(x, dy, [6, 2, 3, 3], { groups: 2 })).toThrow(
      /conv2dBackwardWeight: dy \[2,6,2,2\] should be \[2,6,3,3\]/,
    );
    const [wi, dyi] = [w.int(), dy.int()];
    expect(() => conv2d(x, wi, null, { groups: 2 })).toThrow(/conv2d: dtypes differ \(float32 and int32\)/);
    expect(() => conv2dBackwardInput(dyi, w, [2, 4, 3, 3], { groups: 2 })).toThrow(
      /conv2dBackwardInput: expected dtype float32 or float64, got int32/,
    );
    expect(() => conv2dBackwardWeight(xi, dy, [6, 2, 3, 3], { groups: 2 })).toThrow(
      /conv2dBackwardWeight: expected dtype float32 or float64, got int32/,
    );
    for (const t of [x, w, big, dy, xi, bias, wi, dyi]) t.dispose();
  });
});
