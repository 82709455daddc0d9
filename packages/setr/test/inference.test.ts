/**
 * Inference modes agree with each other where they must: a sliding window that covers the image is
 * the whole-image pass; windows that tile an image without overlap give each window's own logits;
 * scales and flips average probabilities (which then sum to one per pixel); odd sizes work.
 */
import { tidy } from '@setr-ts/autograd';
import { cat, manualSeed, memory, randn, setBackend, type Tensor, tensor } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { preset, Setr, segment, segmentLogits } from '../src/index.js';
import { shrink } from './support/configs.js';

let model: Setr;

beforeAll(async () => {
  await setBackend('reference');
  manualSeed(4);
  model = new Setr(
    shrink(preset('setr-tiny-naive'), { imgSize: [16, 16], embedDim: 32, depth: 2, numClasses: 3, channels: 64, auxTaps: [0] }),
  ).to('float64');
});

const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-9);
};

/**
 * Slide mode computed on the host, as it once was: mmsegmentation's window walk, each window's logits
 * read back and summed into place in a Float64Array, then divided by the count of windows per pixel.
 */
async function hostSlide(x: Tensor, [sh, sw]: readonly [number, number]): Promise<Tensor> {
  const [b, , h, w] = x.shape;
  const [wh, ww] = model.config.imgSize;
  const k = model.config.numClasses;
  const starts = (n: number, crop: number, step: number) => {
    const grids = Math.floor(Math.max(n - crop + step - 1, 0) / step) + 1;
    return Array.from({ length: grids }, (_, i) => Math.max(Math.min(i * step + crop, n) - crop, 0));
  };
  const sum = new Float64Array(b * k * h * w);
  const count = new Float64Array(h * w);
  for (const y0 of starts(h, wh, sh)) {
    for (const x0 of starts(w, ww, sw)) {
      const logits = await segmentLogits(model, x.narrow(2, y0, wh).narrow(3, x0, ww).contiguous()); // [B, K, wh, ww]
      const v = await logits.data();
      logits.dispose();
      for (let y = 0; y < wh; y++) for (let i = 0; i < ww; i++) count[(y0 + y) * w + x0 + i]++;
      for (let bk = 0; bk < b * k; bk++)
        for (let y = 0; y < wh; y++) for (let i = 0; i < ww; i++) sum[(bk * h + y0 + y) * w + x0 + i] += v[(bk * wh + y) * ww + i];
    }
  }
  return tensor(
    sum.map((s, i) => s / count[i % (h * w)]),
    [b, k, h, w],
    'float64',
  );
}

describe('segmentLogits', () => {
  it('slide on an image the size of the window is the whole-image pass', async () => {
    const x = randn([2, 3, 16, 16], { dtype: 'float64' });
    const [whole, slide] = [await segmentLogits(model, x), await segmentLogits(model, x, { mode: 'slide' })];
    close(slide, whole);
    for (const t of [x, whole, slide]) t.dispose();
  });

  it('windows tiling the image (stride = window) give each window its own logits', async () => {
    const x = randn([1, 3, 16, 32], { dtype: 'float64' });
    const slide = await segmentLogits(model, x, { mode: 'slide', stride: [16, 16] });
    const left = await segmentLogits(model, x.narrow(3, 0, 16).contiguous());
    const right = await segmentLogits(model, x.narrow(3, 16, 16).contiguous());
    const stitched = cat([left, right], 3);
    close(slide, stitched);
    for (const t of [x, slide, left, right, stitched]) t.dispose();
  });

  it('overlapping windows are averaged: a 16×24 image with stride 8 matches the mean of its two windows where they overlap', async () => {
    const x = randn([1, 3, 16, 24], { dtype: 'float64' });
    const slide = await segmentLogits(model, x, { mode: 'slide', stride: [8, 8] });
    const a = await segmentLogits(model, x.narrow(3, 0, 16).contiguous());
    const b = await segmentLogits(model, x.narrow(3, 8, 16).contiguous());
    const expected = tidy(() =>
      cat(
        [
          a.narrow(3, 0, 8),
          a
            .narrow(3, 8, 8)
            .add(b.narrow(3, 0, 8))
            .div(2),
          b.narrow(3, 8, 8),
        ],
        3,
      ),
    );
    close(slide, expected);
    for (const t of [x, slide, a, b, expected]) t.dispose();
  });

  it('scales and flips average probabilities; sizes that are not multiples of the patch work', async () => {
    const before = memory().numTensors;
    const x = randn([1, 3, 20, 28], { dtype: 'float64' });
    const probs = await segmentLogits(model, x, { scales: [0.5, 1, 1.5], flip: true });
    expect(probs.shape).toEqual([1, 3, 20, 28]);
    const sums = tidy(() => probs.sum(1).dataSync());
    for (const s of sums) expect(s).toBeCloseTo(1, 12);
    const classes = await segment(model, x, { mode: 'slide' });
    expect(classes.shape).toEqual([1, 20, 28]);
    expect(classes.dtype).toBe('int32');
    for (const t of [x, probs, classes]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('slide mode equals the host-side average of its windows (uneven strides, the default stride, a batch of two)', async () => {
    const check = async (shape: number[], stride?: readonly [number, number]) => {
      const x = randn(shape, { dtype: 'float64' });
      const device = await segmentLogits(model, x, { mode: 'slide', stride });
      const host = await hostSlide(x, stride ?? [8, 8]); // the default: 2/3 of the 16-pixel window, rounded down to the patch of 8
      close(device, host);
      for (const t of [x, device, host]) t.dispose();
    };
    await check([2, 3, 20, 28], [8, 6]);
    await check([1, 3, 24, 40]);
  });

  it('slide mode with scales and flips reads nothing back and leaves no tensor behind', async () => {
    const x = randn([1, 3, 20, 28], { dtype: 'float64' });
    const before = memory().numTensors;
    const reads = [vi.spyOn(x.backend, 'read'), vi.spyOn(x.backend, 'readSync')];
    const probs = await segmentLogits(model, x, { mode: 'slide', stride: [8, 6], scales: [0.75, 1.5], flip: true });
    expect(reads.map((r) => r.mock.calls.length)).toEqual([0, 0]);
    for (const r of reads) r.mockRestore();
    probs.dispose();
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('leaves the model in the mode it found it, and refuses bad input', async () => {
    model.train();
    const x = randn([1, 3, 16, 16], { dtype: 'float64' });
    (await segment(model, x)).dispose();
    expect(model.training).toBe(true);
    await expect(segmentLogits(model, x, { scales: [0] })).rejects.toThrow('segment: scales must be positive numbers, got [0]');
    await expect(segmentLogits(model, x.reshape([3, 16, 16]))).rejects.toThrow(
      'segment: expected normalised images [B, 3, H, W], got [3,16,16]',
    );
    x.dispose();
  });
});
