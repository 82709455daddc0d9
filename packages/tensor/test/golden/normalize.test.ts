/**
 * softmax, logSoftmax and layerNorm against PyTorch 1.13: logits of ±1000 and ×30, rows masked with
 * -inf (and a row that is all -inf, which PyTorch makes NaN), one-element rows; layerNorm with and
 * without affine, over two dims, far from zero, and on constant rows — with its mean and rstd.
 *
 * Tolerances. softmax: rtol 1e-5, atol 1e-6 — the fixture is PyTorch's float32 result, whose
 * exp(x − max) carries about |x − max|·2⁻²⁴ relative error. layerNorm: rtol 2.4e-7 (two float32 ulps),
 * atol 1e-7 — the fixture is computed in float64 and rounded, and so is the reference.
 */
import { it } from 'vitest';
import { layerNormWithStats, logSoftmax, softmax } from '../../src/index.js';
import { expectHostClose } from '../support/expect-close.js';
import { decode, type FixtureTensor, loadCases } from '../support/fixtures.js';
import { describeBackends } from '../support/harness.js';
import { looser } from '../support/oracle.js';

interface SoftmaxCase {
  name: string;
  dim: number;
  x: FixtureTensor;
  softmax: FixtureTensor;
  logSoftmax: FixtureTensor;
}

interface LayerNormCase {
  name: string;
  normalizedShape: number[];
  eps: number;
  x: FixtureTensor;
  weight?: FixtureTensor;
  bias?: FixtureTensor;
  y: FixtureTensor;
  mean: FixtureTensor;
  rstd: FixtureTensor;
}

/**
 * A float32 kernel computes x − mean from float32 values of size |mean|: its error is about
 * ulp(|mean|), which y then multiplies by rstd·|weight|. Far from zero (the 'large mean' case, |mean|·rstd
 * ≈ 300) that is the float32 limit, above the backend's atol; two ulps of it are allowed. (A one-pass
 * variance would be off by far more.) The reference computes in float64 and so stays at layerNormTol.
 */
function float32Cancellation(c: LayerNormCase): { rtol: number; atol: number } {
  const mean = decode(c.mean).data;
  const rstd = decode(c.rstd).data;
  const maxW = c.weight ? Math.max(...decode(c.weight).data.map(Math.abs)) : 1;
  const cond = Math.max(...Array.from(mean, (m, r) => Math.abs(m) * rstd[r]));
  return { rtol: 0, atol: 2 * 2 ** -23 * cond * maxW };
}

describeBackends('softmax, logSoftmax, layerNorm vs PyTorch', (h) => {
  const softmaxTol = () => looser(h.tol, { rtol: 1e-5, atol: 1e-6 });
  const layerNormTol = () => looser(h.tol, { rtol: 2.4e-7, atol: 1e-7 });

  it.each(loadCases<SoftmaxCase>('softmax'))('softmax and logSoftmax: $name', async (c) => {
    const [sm, lsm] = await h.run([decode(c.x)], (x) => [softmax(x, c.dim), logSoftmax(x, c.dim)]);
    expectHostClose(sm, decode(c.softmax), softmaxTol(), 'softmax');
    expectHostClose(lsm, decode(c.logSoftmax), softmaxTol(), 'logSoftmax');
  });

  it.each(loadCases<LayerNormCase>('layer-norm'))('layerNorm: $name', async (c) => {
    const inputs = c.weight && c.bias ? [decode(c.x), decode(c.weight), decode(c.bias)] : [decode(c.x)];
    const [y, mean, rstd] = await h.run(inputs, (x, w, b) => {
      const r = layerNormWithStats(x, c.normalizedShape, w ?? null, b ?? null, c.eps);
      return [r.y, r.mean, r.rstd];
    });
    expectHostClose(y, decode(c.y), h.isReference ? layerNormTol() : looser(layerNormTol(), float32Cancellation(c)), 'y');
    expectHostClose(mean, decode(c.mean), layerNormTol(), 'mean');
    expectHostClose(rstd, decode(c.rstd), layerNormTol(), 'rstd');
  });
});
