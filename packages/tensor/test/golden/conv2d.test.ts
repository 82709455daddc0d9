/**
 * conv2d, conv2dBackwardInput and conv2dBackwardWeight against PyTorch 1.13 (F.conv2d and its
 * autograd gradients) for stride / padding / dilation / groups combinations.
 *
 * Tolerance: rtol 1e-5, atol 1e-6 per summed term, scaled by √(terms) (see support/tolerance.ts):
 * PyTorch sums in float32 in its own order; the reference sums in float64.
 */
import { it } from 'vitest';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../../src/index.js';
import { expectHostClose } from '../support/expect-close.js';
import { decode, type FixtureTensor, loadCases } from '../support/fixtures.js';
import { describeBackends } from '../support/harness.js';
import { looser } from '../support/oracle.js';
import { summed } from '../support/tolerance.js';

interface ConvCase {
  name: string;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
  x: FixtureTensor;
  w: FixtureTensor;
  bias?: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
  dw: FixtureTensor;
}

const cases = loadCases<ConvCase>('conv2d');

describeBackends('conv2d vs PyTorch', (h) => {
  it.each(cases)('$name', async (c) => {
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
    const [x, w, dy] = [decode(c.x), decode(c.w), decode(c.dy)];
    const inputs = c.bias ? [x, w, dy, decode(c.bias)] : [x, w, dy];
    const [y, dx, dw] = await h.run(inputs, (xt, wt, dyt, bt) => [
      conv2d(xt, wt, bt ?? null, opts),
      conv2dBackwardInput(dyt, wt, x.shape, opts),
      conv2dBackwardWeight(xt, dyt, w.shape, opts),
    ]);
    const tol = (terms: number) => summed(looser(h.tol, { rtol: 1e-5, atol: 1e-6 }), terms);
    const [, cig, kh, kw] = w.shape;
    const [n, co, ho, wo] = dy.shape;
    expectHostClose(y, decode(c.y), tol(cig * kh * kw), 'y');
    // each input pixel gathers from at most co·kh·kw products; each weight from n·ho·wo
    expectHostClose(dx, decode(c.dx), tol(co * kh * kw), 'dx');
    expectHostClose(dw, decode(c.dw), tol(n * ho * wo), 'dw');
  });
});
