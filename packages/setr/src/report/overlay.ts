/** A mask over its photo, and colours for models whose files carry none. */
import { type Raster, raster } from '../data/raster.js';

/** Mixes `mask` into `photo`: each pixel (1 − α)·photo + α·mask (α = 0.5 by default). */
export function overlay(photo: Raster, mask: Raster, alpha = 0.5): Raster {
  if (photo.height !== mask.height || photo.width !== mask.width || photo.channels !== 3 || mask.channels !== 3)
    throw new Error(
      `overlay: photo ${photo.height}×${photo.width}×${photo.channels} and mask ${mask.height}×${mask.width}×${mask.channels} must be equal RGB sizes`,
    );
  const out = raster(photo.height, photo.width, 3);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.round((1 - alpha) * photo.data[i] + alpha * mask.data[i]);
  return out;
}

/** `k` well-separated colours (hues around the circle, two brightnesses), for a model without a palette. */
export function paletteFor(k: number): [number, number, number][] {
  return Array.from({ length: k }, (_, i) => {
    const hue = (i * 137.508) % 360; // the golden angle spreads consecutive classes apart
    const v = i % 2 === 0 ? 1 : 0.7;
    const f = (n: number) => {
      const h = (n + hue / 60) % 6;
      return Math.round(255 * v * (1 - Math.max(0, Math.min(1, Math.min(h, 4 - h)))));
    };
    return [f(5), f(3), f(1)];
  });
}
