/**
 * Inference modes agree with each other where they must: a sliding window that covers the image is
 * the whole-image pass; windows that tile an image without overlap give each window's own logits;
 * scales and flips average probabilities (which then sum to one per pixel); odd sizes work.
 */
import { tidy } from '@setr-ts/autograd';
import { cat, manualSeed, memory, randn, setBackend, type Tensor } from '@setr-ts/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { preset, Setr, segment, segmentLogits } from '../src/index.js';

let model: Setr;

beforeAll(async () => {
  await setBackend('reference');
  manualSeed(4);
  model = new Setr({ ...preset('setr-tiny-naive'), imgSize: [16, 16], embedDim: 32, depth: 2, auxTaps: [0], numClasses: 3 }).to('float64');
});

const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(1e-9);
};

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
