/**
 * interpolate and interpolateBackward against PyTorch 1.13 (F.interpolate and its autograd
 * gradient): nearest, and bilinear with alignCorners false and true, by odd sizes up and down and by
 * scale factors — 1.7 and 0.6 included, where PyTorch's coordinate scale is 1/scaleFactor, not in/out.
 *
 * Tolerance: rtol 1e-5, atol 1e-5. PyTorch computes source coordinates in float32, the reference in
 * float64; the weights then differ by ~1e-7, times values of order 1.
 */
import { it } from 'vitest';
import { type InterpolateOptions, interpolate, interpolateBackward } from '../../src/index.js';
import { expectHostClose } from '../support/expect-close.js';
import { decode, type FixtureTensor, loadCases } from '../support/fixtures.js';
import { describeBackends } from '../support/harness.js';
import { looser } from '../support/oracle.js';

interface InterpolateCase {
  name: string;
  options: InterpolateOptions;
  x: FixtureTensor;
  y: FixtureTensor;
  dy: FixtureTensor;
  dx: FixtureTensor;
}

const cases = loadCases<InterpolateCase>('interpolate');

describeBackends('interpolate vs PyTorch', (h) => {
  it.each(cases)('$name', async (c) => {
    const [x, dy] = [decode(c.x), decode(c.dy)];
    const [y, dx] = await h.run([x, dy], (xt, dyt) => [interpolate(xt, c.options), interpolateBackward(dyt, x.shape, c.options)]);
    const tol = looser(h.tol, { rtol: 1e-5, atol: 1e-5 });
    expectHostClose(y, decode(c.y), tol, 'y');
    expectHostClose(dx, decode(c.dx), tol, 'dx');
  });
});
