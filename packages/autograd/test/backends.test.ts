/**
 * Gradients agree across backends. A small segmentation-like composite — conv2d (stride, padding,
 * groups), bilinear and nearest interpolate, pad, cat, a max reduction, gather, logSoftmax — runs
 * forward and backward in float32 on every registered backend, and each gradient is compared with the
 * reference backend's (the attention-block fixture test covers matmul, softmax, layerNorm and GELU).
 */
import { type Backend, manualSeed, randn, registeredBackends, setBackend, type Tensor, tensor, toBackend } from '@setr-ts/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { parameter, tidy } from '../src/index.js';
import { expectClose } from './support/check.js';

manualSeed(7);
const inputs = {
  x: randn([2, 4, 6, 5]),
  w1: randn([6, 2, 3, 3]).mul(0.3),
  b1: randn([6]),
  w2: randn([3, 6, 1, 1]).mul(0.3),
};
const labels = tensor(
  Array.from({ length: 2 * 12 * 10 }, (_, i) => (i * 7) % 3),
  [2, 1, 12, 10],
  'int32',
);

/** Forward + backward on `backend`; returns the loss and each input's gradient as arrays. */
async function gradients(backend: Backend): Promise<Record<string, number[]>> {
  const params = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, parameter(toBackend(t, backend))]));
  const lab = toBackend(labels, backend);
  const loss = tidy(() => {
    const { x, w1, b1, w2 } = params;
    let h = ag.conv2d(x, w1, b1, { stride: 1, padding: 1, groups: 2 }).gelu(); // [2,6,6,5]
    h = ag.interpolate(h, { size: [12, 10], mode: 'bilinear', alignCorners: false });
    const skip = ag.interpolate(ag.pad(x.narrow(1, 0, 2), [1, 0, 0, 1]), { scaleFactor: 2, mode: 'nearest' }); // [2,2,14,12]
    h = ag.cat([h, skip.narrow(2, 1, 12).narrow(3, 1, 10)], 1).narrow(1, 2, 6); // [2,6,12,10]
    const logits = ag.conv2d(h, w2).add(h.max(1, true)); // [2,3,12,10]
    const picked = ag.gather(logits.logSoftmax(1), 1, lab); // [2,1,12,10]
    return picked.mean().neg();
  });
  loss.backward();
  const out: Record<string, number[]> = { loss: Array.from(await loss.data.data()) };
  for (const [k, p] of Object.entries(params)) out[k] = Array.from(await p.grad!.data());
  for (const p of Object.values(params)) p.dispose();
  loss.dispose();
  lab.dispose();
  return out;
}

const others = registeredBackends().filter(
  (n) => n !== 'reference' && (!process.env.SETR_TEST_BACKENDS || process.env.SETR_TEST_BACKENDS.split(',').includes(n)),
);

describe.each(others)('gradients on %s agree with the reference backend', (name) => {
  afterAll(() => setBackend('reference'));

  it('conv2d, interpolate, pad, cat, max, gather, logSoftmax: loss and every input gradient', async () => {
    const want = await gradients(await setBackend('reference'));
    const got = await gradients(await setBackend(name));
    for (const k of Object.keys(want)) {
      expect(
        want[k].some((v) => Math.abs(v) > 1e-3),
        `${k}: the reference gradient is not trivially zero`,
      ).toBe(true);
      expectClose(got[k], want[k], { atol: 1e-5, rtol: 1e-4 }, `${k} on ${name}`);
    }
    expect(Object.keys(got)).toEqual(['loss', 'x', 'w1', 'b1', 'w2']);
  });
});

afterAll(() => {
  for (const t of [...Object.values(inputs), labels] as Tensor[]) t.dispose();
});
