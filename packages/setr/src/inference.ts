/**
 * Segmenting images of any size, as mmsegmentation's test modes do:
 *
 * - **whole**: the image in one pass (resized up to the next multiple of the patch if it is not one,
 *   the logits resized back);
 * - **slide**: windows of the config's image size moved by a stride (2/3 of the window unless given)
 *   over the image; overlapping logits are averaged; an image smaller than the window is one pass;
 * - **multi-scale and flip**: the image at several scales, and mirrored, each segmented in whole or
 *   slide mode, the class probabilities resized back to the image and averaged.
 *
 *   images [B, 3, H, W] (normalised) → class probabilities or logits [B, K, H, W] → classes [B, H, W]
 */
import { noGrad, tidy } from '@setr-ts/autograd';
import type { Tensor } from '@setr-ts/tensor';
import * as T from '@setr-ts/tensor';
import type { Setr } from './model/segmentor.js';

/** Options of {@link segment} and {@link segmentLogits}: mmseg's test-time settings (whole or sliding window, multi-scale, flip). */
export interface InferenceOptions {
  /** 'whole' (default) or 'slide'. */
  mode?: 'whole' | 'slide';
  /** Slide mode's step [H, W]; default 2/3 of the window (the config's imgSize), rounded down to the patch. */
  stride?: readonly [number, number];
  /** Scales to average over (default [1]). */
  scales?: readonly number[];
  /** Also segment the mirrored image and average (default false). */
  flip?: boolean;
  /** Called after each window of a sliding pass with the windows done and the pass's windows: progress for long work. */
  onWindow?: (done: number, total: number) => void;
}

const bilinear = (x: Tensor, size: readonly [number, number]) =>
  x.shape[2] === size[0] && x.shape[3] === size[1]
    ? x
    : T.interpolate(x, { size: [size[0], size[1]], mode: 'bilinear', alignCorners: false });

const roundUp = (n: number, p: number) => Math.max(p, Math.ceil(n / p) * p);

/** One evaluation-mode pass over images whose sides are multiples of the patch: logits [B, K, H, W]. */
function forwardLogits(model: Setr, images: Tensor): Tensor {
  return noGrad(() => model.forward(images).logits.data);
}

/** Whole mode: one pass, at the next multiple of the patch. */
function wholeLogits(model: Setr, images: Tensor): Tensor {
  const [, , h, w] = images.shape;
  const p = model.config.patchSize;
  const fitted = bilinear(images, [roundUp(h, p), roundUp(w, p)]);
  return bilinear(forwardLogits(model, fitted), [h, w]);
}

/** Where windows of `window` start along a side of `n` with step `stride` (the last one flush with the end). */
function windowStarts(n: number, window: number, stride: number): number[] {
  if (n <= window) return [0];
  const count = Math.ceil((n - window) / stride) + 1;
  return Array.from({ length: count }, (_, i) => Math.min(i * stride, n - window));
}

/**
 * `total + term()` for a running sum that holds one buffer: `term`'s temporaries (a forward pass, its
 * resizes) are freed as soon as it is added, and the old total with them.
 */
function addInto(total: Tensor, term: () => Tensor): Tensor {
  const next = tidy(() => total.add(term()));
  total.dispose();
  return next;
}

/**
 * Slide mode, as mmsegmentation's `slide_inference`: each window's logits are padded into place and
 * added to a sum, ones likewise to a count of the windows covering each pixel, and the sum is divided
 * by the count once; everything stays on the model's backend.
 */
function slideLogits(model: Setr, images: Tensor, { stride, onWindow }: InferenceOptions): Tensor {
  const [b, , h, w] = images.shape;
  const p = model.config.patchSize;
  const [wh, ww] = model.config.imgSize;
  if (h <= wh && w <= ww) return wholeLogits(model, images);
  const [sh, sw] = stride ?? [Math.max(p, Math.floor((wh * 2) / 3 / p) * p), Math.max(p, Math.floor((ww * 2) / 3 / p) * p)];
  const [ch, cw] = [Math.min(wh, h), Math.min(ww, w)];
  const like = { dtype: images.dtype, backend: images.backend };
  return tidy(() => {
    let sum = T.zeros([b, model.config.numClasses, h, w], like); // [B, K, H, W]
    let count = T.zeros([1, 1, h, w], like); // [1, 1, H, W]
    const ones = T.ones([1, 1, ch, cw], like);
    const [rows, cols] = [windowStarts(h, wh, sh), windowStarts(w, ww, sw)];
    let done = 0;
    for (const y0 of rows) {
      for (const x0 of cols) {
        const place = [x0, w - x0 - cw, y0, h - y0 - ch]; // F.pad's (left, right, top, bottom)
        const window = images.narrow(2, y0, ch).narrow(3, x0, cw); // [B, 3, ch, cw]
        sum = addInto(sum, () => T.pad(wholeLogits(model, window), place)); // [B, K, ch, cw] → [B, K, H, W]
        count = addInto(count, () => T.pad(ones, place));
        onWindow?.(++done, rows.length * cols.length);
      }
    }
    return sum.div(count);
  });
}

/** Mirrors [B, C, H, W] left to right. */
function flipWidth(x: Tensor): Tensor {
  const w = x.shape[3];
  return tidy(() =>
    T.indexSelect(
      x,
      3,
      T.tensor(
        Int32Array.from({ length: w }, (_, i) => w - 1 - i),
        [w],
        'int32',
        { backend: x.backend },
      ),
    ),
  );
}

/**
 * Class scores `[B, K, H, W]` for normalised images `[B, 3, H, W]`: logits for a single whole or slide
 * pass, averaged softmax probabilities over scales and flips otherwise. Runs the model in evaluation
 * mode (and leaves its mode as it was).
 * @example const scores = await segmentLogits(model, images, { mode: 'slide', scales: [0.75, 1, 1.25], flip: true });
 */
export async function segmentLogits(model: Setr, images: Tensor, opts: InferenceOptions = {}): Promise<Tensor> {
  const { mode = 'whole', scales = [1], flip = false } = opts;
  if (images.shape.length !== 4 || images.shape[1] !== 3)
    throw new Error(`segment: expected normalised images [B, 3, H, W], got [${images.shape.join(',')}]`);
  if (scales.length === 0 || scales.some((s) => !(s > 0)))
    throw new Error(`segment: scales must be positive numbers, got [${scales.join(', ')}]`);
  const wasTraining = model.training;
  model.eval();
  try {
    const [b, , h, w] = images.shape;
    const pass = (x: Tensor) => (mode === 'slide' ? slideLogits(model, x, opts) : wholeLogits(model, x));
    if (scales.length === 1 && scales[0] === 1 && !flip) return tidy(() => pass(images));
    return tidy(() => {
      let total = T.zeros([b, model.config.numClasses, h, w], { dtype: images.dtype, backend: images.backend }); // [B, K, H, W]
      for (const s of scales) {
        const size = [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))] as const;
        for (const mirrored of flip ? [false, true] : [false]) {
          total = addInto(total, () => {
            const scaled = bilinear(images, size); // [B, 3, sH, sW]
            const logits = mirrored ? flipWidth(pass(flipWidth(scaled))) : pass(scaled); // [B, K, sH, sW]
            return T.softmax(bilinear(logits, [h, w]), 1); // [B, K, H, W]
          });
        }
      }
      return total.div(scales.length * (flip ? 2 : 1));
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The class of every pixel, int32 `[B, H, W]`, with the options of {@link segmentLogits}.
 * @example const classes = await segment(model, images);   // whole image, one scale
 */
export async function segment(model: Setr, images: Tensor, opts: InferenceOptions = {}): Promise<Tensor> {
  const scores = await segmentLogits(model, images, opts);
  const classes = scores.argmax(1);
  scores.dispose();
  return classes;
}
