/**
 * erf and the exact GELU against PyTorch 1.13 on a grid over [-8, 8], around the switch points of
 * the package's erf (|x| = 3 and 6), tiny and signed zeros, and ±10, 30.
 *
 * Tolerance: one float32 ulp (rtol 2⁻²³, atol 0). The fixture is PyTorch's float64 result rounded to
 * float32 (its float32 GELU loses digits below x ≈ −3), and the reference also rounds once.
 */
import { it } from 'vitest';
import { erf, gelu } from '../../src/index.js';
import { expectHostClose } from '../support/expect-close.js';
import { decode, type FixtureTensor, loadCases } from '../support/fixtures.js';
import { describeBackends } from '../support/harness.js';
import { looser } from '../support/oracle.js';

interface PointwiseCase {
  name: string;
  x: FixtureTensor;
  y: FixtureTensor;
}

const OPS: Record<string, typeof erf> = { erf, 'gelu (exact)': gelu };

describeBackends('erf and gelu vs PyTorch', (h) => {
  it.each(loadCases<PointwiseCase>('pointwise'))('$name', async (c) => {
    const [y] = await h.run([decode(c.x)], (x) => OPS[c.name](x));
    expectHostClose(y, decode(c.y), looser(h.tol, { rtol: 2 ** -23, atol: 0 }), c.name);
  });
});
