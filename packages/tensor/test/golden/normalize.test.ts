/**
 * softmax, logSoftmax and layerNorm against PyTorch 1.13: logits of ±1000 and ×30, rows masked with
 * -inf (and a row that is all -inf, which PyTorch makes NaN), one-element rows; layerNorm with and
 * without affine, over two dims, far from zero, and on constant rows — with its mean and rstd.
 *
 * Tolerances. softmax: rtol 1e-5, atol 1e-6 — the fixture is PyTorch's float32 result, whose
 * exp(x − max) carries about |x − max|·2⁻²⁴ relative error. layerNorm: rtol 2.4e-7 (two float32 ulps),
 * atol 1e-7 — the fixture is computed in float64 and rounded, and so is the reference; other backends
 * also get the float32 limit of x − mean (support/tolerance.ts, float32Cancellation).
 */
import { it } from 'vitest';
import { layerNormWithStats, logSoftmax, softmax } from '../../src/index.js';
import { expectHostClose, type Tolerance } from '../support/expect-close.js';
import { decode, type FixtureTensor, loadCases } from '../support/fixtures.js';
import { describeBackends } from '../support/harness.js';
import { looser } from '../support/oracle.js';
import { float32Cancellation } from '../support/tolerance.js';

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

/** What a float32 kernel may lose in x − mean for this case (see float32Cancellation); the reference works in float64. */
function cancellation(c: LayerNormCase): Tolerance {
  const rstd = decode(c.rstd).data;
  const maxW = c.weight ? Math.max(...Array.from(decode(c.weight).data, Math.abs)) : 1;
  const n = c.normalizedShape.reduce((a, b) => a * b, 1);
  return float32Cancellation(Math.max(...Array.from(decode(c.x).data, Math.abs)), n, Math.max(...rstd) * maxW);
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
    expectHostClose(y, decode(c.y), h.isReference ? layerNormTol() : looser(layerNormTol(), cancellation(c)), 'y');
    expectHostClose(mean, decode(c.mean), layerNormTol(), 'mean');
    expectHostClose(rstd, decode(c.rstd), layerNormTol(), 'rstd');
  });
});
