/**
 * matmul with PyTorch's rules: 1-D operands gain and lose a dim, batch dims broadcast, and operands
 * may be any view (a transposed `k` in attention is the common case).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { broadcastPairArb, seedArb, viewArb, viewOracle } from '../support/arbitraries.js';
import { EXACT, expectHostClose } from '../support/expect-close.js';
import { describeBackends, property } from '../support/harness.js';
import { broadcastAt, broadcastShape, build, type HostTensor, host, randomHost } from '../support/host.js';
import { looser, ORACLE_TOL } from '../support/oracle.js';
import { summed } from '../support/tolerance.js';

/** PyTorch's matmul on host tensors, in float64. */
function hostMatmul(a: HostTensor, b: HostTensor): HostTensor {
  const as = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const [m, k] = as.slice(-2);
  const n = bs[bs.length - 1];
  const batch = broadcastShape(as.slice(0, -2), bs.slice(0, -2));
  const a2 = host(as, a.data);
  const b2 = host(bs, b.data);
  const full = build([...batch, m, n], a.dtype, (i) => {
    const lead = i.slice(0, -2);
    const [r, c] = i.slice(-2);
    let s = 0;
    for (let q = 0; q < k; q++) s += broadcastAt(a2, [...lead, r, q]) * broadcastAt(b2, [...lead, q, c]);
    return s;
  });
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  return host(shape, full.data);
}

/** Inclusive ranges for m, n and k, the largest batch dim, and whether operands may be 1-D. */
interface Sizes {
  m: [number, number];
  n: [number, number];
  k: [number, number];
  batch: number;
  vectors: boolean;
}

function matmulCase({ m, n, k, batch, vectors }: Sizes) {
  const range = ([min, max]: [number, number]) => fc.noBias(fc.integer({ min, max }));
  return fc
    .record({
      m: range(m),
      k: range(k),
      n: range(n),
      vecA: vectors ? fc.boolean() : fc.constant(false),
      vecB: vectors ? fc.boolean() : fc.constant(false),
    })
    .chain(({ m, k, n, vecA, vecB }) =>
      broadcastPairArb({ maxRank: 2, maxDim: batch }).chain(([ba, bb]) => {
        const sa = vecA ? [k] : [...ba, m, k];
        const sb = vecB ? [k] : [...bb, k, n];
        return fc.record({ sa: fc.constant(sa), sb: fc.constant(sb), va: viewArb(sa), vb: viewArb(sb), seed: seedArb });
      }),
    );
}

describeBackends('matmul', (h) => {
  const check = async (sizes: Sizes, numRuns: number) =>
    property(
      matmulCase(sizes),
      async ({ sa, sb, va, vb, seed }) => {
        const [baseA, baseB] = [randomHost(va.baseShape, seed), randomHost(vb.baseShape, seed + 1)];
        const k = sa[sa.length - 1];
        const [out] = await h.agree([baseA, baseB], (x, y) => va.make(x).matmul(vb.make(y)), summed(h.tol, k));
        const want = hostMatmul(viewOracle(va, baseA, sa), viewOracle(vb, baseB, sb));
        expectHostClose(out, want, summed(looser(h.tol, ORACLE_TOL), k), `[${sa}] (${va.label}) @ [${sb}] (${vb.label})`);
      },
      numRuns,
    );

  it('vectors, matrices and broadcast batches, operands as random views', () =>
    check({ m: [1, 5], n: [1, 5], k: [1, 6], batch: 3, vectors: true }, 50));

  // past the tiles, SIMD widths and cache blocks of optimised kernels (e.g. 6x8 tiles, K blocks of 256, M blocks of 120)
  it('larger matrices, across tile and block edges', () =>
    check({ m: [100, 140], n: [1, 40], k: [230, 300], batch: 1, vectors: false }, 4));

  it('empty products: k = 0 gives zeros, m = 0 gives an empty result', async () => {
    const [z, e] = await h.agree(
      [host([2, 0], []), host([0, 3], []), host([0, 4], []), host([4, 2], [1, 2, 3, 4, 5, 6, 7, 8])],
      (a, b, c, d) => [a.matmul(b), c.matmul(d)],
    );
    expectHostClose(z, host([2, 3], [0, 0, 0, 0, 0, 0]), EXACT);
    expectHostClose(e, host([0, 2], []), EXACT);
  });

  it('errors name the op and both shapes', () => {
    const on = { backend: h.backend };
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', on);
    const b = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'float32', on);
    const i = tensor([1, 2], [2], 'int32', on);
    const s = tensor(1, undefined, 'float32', on);
    const batched = tensor(new Array(24).fill(1), [2, 3, 4], 'float32', on);
    const other = tensor(new Array(36).fill(1), [3, 4, 3], 'float32', on);
    expect(() => a.matmul(b)).toThrow(/matmul: inner dims differ: \[2,3\] @ \[2,4\] \(3 vs 2\)/);
    expect(() => a.matmul(s)).toThrow(/matmul: both operands need at least 1 dim, got \[2,3\] and \[\]/);
    expect(() => i.matmul(i)).toThrow(/matmul: expected dtype float32 or float64, got int32/);
    expect(() => batched.matmul(other)).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast together/);
    for (const t of [a, b, i, s, batched, other]) t.dispose();
  });
});
