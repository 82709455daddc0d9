/**
 * mmseg's PhotoMetricDistortion: "Apply photometric distortion to image sequentially, every
 * transformation is applied with a probability of 0.5. The position of random contrast is in second
 * or second to last."
 *
 *   1. brightness  x + β,        β ~ U(−32, 32)
 *   2. contrast    α·x,          α ~ U(0.5, 1.5)     (here, or at step 5: a coin decides)
 *   3. saturation  S ← α·S,      α ~ U(0.5, 1.5)     (in HSV, OpenCV's 8-bit convention)
 *   4. hue         H ← H + δ mod 180, δ an integer in [−18, 18)
 *   5. contrast    (when not done at step 2)
 *
 * Each step clips to [0, 255] and truncates to uint8 as mmseg's `convert` does; the draws happen in
 * mmseg's order (brightness coin [and β], the contrast-position coin, …), so a seed fixes the result.
 */
import { hsvToRgb, rgbToHsv } from './hsv.js';
import type { Raster } from './raster.js';
import type { Rng } from './rng.js';

/** Options of {@link photometricDistortion}: the ranges of mmseg's `PhotoMetricDistortion`. */
export interface PhotometricOptions {
  /** β is drawn from U(−brightnessDelta, brightnessDelta); default 32. */
  brightnessDelta?: number;
  /** default [0.5, 1.5] */
  contrastRange?: readonly [number, number];
  /** default [0.5, 1.5] */
  saturationRange?: readonly [number, number];
  /** δ is an integer in [−hueDelta, hueDelta) (numpy's randint, as mmseg); default 18. */
  hueDelta?: number;
}

/** x ← trunc(clip(α·x + β, 0, 255)) for every `stride`-th byte from `first`. */
function convert(px: Uint8Array, alpha: number, beta: number, first = 0, stride = 1): void {
  for (let i = first; i < px.length; i += stride) px[i] = Math.min(Math.max(px[i] * alpha + beta, 0), 255);
}

/**
 * Distorts an RGB raster's colours in place, drawing from `rng`.
 * @example photometricDistortion(crop, rng); // mmseg's defaults
 */
export function photometricDistortion(img: Raster, rng: Rng, opts: PhotometricOptions = {}): void {
  if (img.channels !== 3) throw new Error(`photometricDistortion: expected an RGB raster (3 channels), got ${img.channels}`);
  const { brightnessDelta = 32, contrastRange = [0.5, 1.5], saturationRange = [0.5, 1.5], hueDelta = 18 } = opts;
  const px = img.data;
  const contrast = () => {
    if (rng.int(2)) convert(px, rng.uniform(contrastRange[0], contrastRange[1]), 0);
  };
  if (rng.int(2)) convert(px, 1, rng.uniform(-brightnessDelta, brightnessDelta));
  const contrastFirst = rng.int(2) === 1;
  if (contrastFirst) contrast();
  if (rng.int(2)) {
    rgbToHsv(px);
    convert(px, rng.uniform(saturationRange[0], saturationRange[1]), 0, 1, 3);
    hsvToRgb(px);
  }
  if (rng.int(2)) {
    const delta = hueDelta > 0 ? rng.int(2 * hueDelta) - hueDelta : 0;
    rgbToHsv(px);
    for (let i = 0; i < px.length; i += 3) px[i] = (px[i] + delta + 180) % 180;
    hsvToRgb(px);
  }
  if (!contrastFirst) contrast();
}
