/**
 * A picture of predictions: one row per image — the photo, the ground truth, the model's prediction —
 * label maps in the dataset's colours (ignored pixels black), everything enlarged by whole pixels so
 * small images can be read.
 *
 *   rows × [photo | truth | prediction], each H·zoom × W·zoom, with a 4-pixel white gap
 */

import { colorizeLabels } from '../data/colorize.js';
import { type Raster, raster } from '../data/raster.js';

const GAP = 4;

export interface GridRow {
  /** RGB photo `[H, W, 3]`. */
  readonly image: Raster;
  /** Ground-truth and predicted labels `[H, W, 1]` (255 = ignored). */
  readonly truth: Raster;
  readonly prediction: Raster;
}

/** Copies `src` into `dst` at (top, left), each pixel as a zoom×zoom block. */
function blit(dst: Raster, src: Raster, top: number, left: number, zoom: number): void {
  for (let y = 0; y < src.height * zoom; y++) {
    for (let x = 0; x < src.width * zoom; x++) {
      const s = (Math.floor(y / zoom) * src.width + Math.floor(x / zoom)) * 3;
      const d = ((top + y) * dst.width + left + x) * 3;
      dst.data[d] = src.data[s];
      dst.data[d + 1] = src.data[s + 1];
      dst.data[d + 2] = src.data[s + 2];
    }
  }
}

/**
 * @example await writePng('predictions.png', predictionGrid(rows, CAMVID_PALETTE, 2));
 */
export function predictionGrid(rows: readonly GridRow[], palette: readonly (readonly [number, number, number])[], zoom = 2): Raster {
  if (rows.length === 0) throw new Error('predictionGrid: no rows');
  const { height: h, width: w } = rows[0].image;
  const cell = [h * zoom, w * zoom];
  const out = raster(rows.length * (cell[0] + GAP) - GAP, 3 * (cell[1] + GAP) - GAP, 3);
  out.data.fill(255);
  rows.forEach((row, i) => {
    const top = i * (cell[0] + GAP);
    [row.image, colorizeLabels(row.truth, palette), colorizeLabels(row.prediction, palette)].forEach((pic, j) => {
      if (pic.height !== h || pic.width !== w)
        throw new Error(`predictionGrid: row ${i} has a ${pic.height}×${pic.width} picture, the first ${h}×${w}`);
      blit(out, pic, top, j * (cell[1] + GAP), zoom);
    });
  });
  return out;
}
