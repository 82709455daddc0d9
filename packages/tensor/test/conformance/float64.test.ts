/**
 * float64, which gradient checks rely on: ops keep the dtype and compute to float64 precision. Skipped,
 * with the reason, on backends that do not store float64 (creation.test.ts checks they say so clearly).
 */
import { expect, it } from 'vitest';
import { conv2d, layerNorm, softmax } from '../../src/index.js';
import { expectHostClose } from '../support/expect-close.js';
import { describeBackends } from '../support/harness.js';
import { host } from '../support/host.js';

/** Far below float32's 6e-8: only a float64 computation gets this close. */
const F64_TOL = { rtol: 1e-13, atol: 1e-15 };

describeBackends('float64', (h) => {
  it('elementwise, reductions, matmul, softmax, layerNorm and conv2d keep float64 precision', async (ctx) => {
    if (!h.supports('float64')) ctx.skip(`${h.bk.label} stores no float64`);
    const third = 1 / 3;
    const x = host([2, 3], [third, 1e-10, 2, -third, 5, 1 + 1e-12], 'float64');
    const outs = await h.agree([x], (t) => [
      t.add(1e-12),
      t.mul(3),
      t.exp(),
      t.sum(1),
      t.matmul(t.T),
      softmax(t, 1),
      layerNorm(t, [3]),
      conv2d(t.reshape(1, 1, 2, 3), t.reshape(1, 1, 2, 3)),
      t.float(),
    ]);
    expect(outs.map((o) => o.dtype)).toEqual([...new Array(8).fill('float64'), 'float32']);
    const [added, tripled, , summed] = outs;
    expectHostClose(
      added,
      host(
        [2, 3],
        Array.from(x.data, (v) => v + 1e-12),
        'float64',
      ),
      F64_TOL,
      'add',
    );
    expectHostClose(
      tripled,
      host(
        [2, 3],
        Array.from(x.data, (v) => v * 3),
        'float64',
      ),
      F64_TOL,
      'mul',
    );
    expectHostClose(summed, host([2], [third + 1e-10 + 2, -third + 5 + 1 + 1e-12], 'float64'), F64_TOL, 'sum');
    const dot = Array.from(x.data).reduce((s, v) => s + v * v, 0);
    expectHostClose(outs[7], host([1, 1, 1, 1], [dot], 'float64'), F64_TOL, 'conv2d');
  });
});
