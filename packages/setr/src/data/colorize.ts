/**
 * Label maps as pictures: each class index becomes its palette colour, ignored pixels (255) a colour
 * of their own — for looking at predictions next to the photo and the ground truth.
 *
 *   [H, W] class indices → [H, W, 3] RGB
 */
import { IGNORE_INDEX } from './dataset.js';
import { type Raster, raster } from './raster.js';

/**
 * @example await writePng('pred.png', colorizeLabels(prediction, CAMVID_PALETTE));
 */
export function colorizeLabels(
  label: Raster,
  palette: readonly (readonly [number, number, number])[],
  ignoreColour: readonly [number, number, number] = [0, 0, 0],
): Raster {
  if (label.channels !== 1) throw new Error(`colorizeLabels: expected a one-channel label map, got ${label.channels} channels`);
  const out = raster(label.height, label.width, 3);
  for (let i = 0; i < label.data.length; i++) {
    const v = label.data[i];
    const colour = v === IGNORE_INDEX ? ignoreColour : palette[v];
    if (!colour)
      throw new Error(`colorizeLabels: label ${v} has no colour (the palette has ${palette.length}, and ${IGNORE_INDEX} is ignored)`);
    out.data.set(colour, i * 3);
  }
  return out;
}
