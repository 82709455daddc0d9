/**
 * A picture of predictions: a header naming the columns, one row per image — the photo, the ground
 * truth, the model's prediction — label maps in the dataset's colours (ignored pixels black), and under
 * the rows a legend of the class colours. Pictures are enlarged by whole pixels so small images can be
 * read; the text is drawn from a built-in bitmap font (glyphs.ts), so no font renderer is needed.
 *
 *   header, then rows × [photo | truth | prediction], each H·zoom × W·zoom with a 4-pixel white gap, then the legend
 */

import { CAMVID_CLASSES, CAMVID_PALETTE } from '../data/camvid-classes.js';
import { colorizeLabels } from '../data/colorize.js';
import { type Raster, raster } from '../data/raster.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, GLYPHS } from './glyphs.js';

const GAP = 4;
const HEADER = 22; // the column headers' band
const SWATCH = 13;
const LEGEND_ROW = 20;
const COLUMNS = ['photo', 'ground truth', 'prediction'];

/** One row of a {@link predictionGrid}: a photo, its ground truth and a model's prediction. */
export interface GridRow {
  /** RGB photo `[H, W, 3]`. */
  readonly image: Raster;
  /** Ground-truth labels `[H, W, 1]` (255 = ignored, drawn black). */
  readonly truth: Raster;
  /** Predicted labels `[H, W, 1]`. */
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

/** Fills a rectangle of `dst` with one colour (clipped to the raster). */
function fill(dst: Raster, top: number, left: number, height: number, width: number, colour: readonly number[]): void {
  for (let y = Math.max(0, top); y < Math.min(dst.height, top + height); y++)
    for (let x = Math.max(0, left); x < Math.min(dst.width, left + width); x++) dst.data.set(colour, (y * dst.width + x) * 3);
}

/** The width of `text` in pixels. */
const textWidth = (text: string) => text.length * GLYPH_WIDTH;

/** Draws `text` in dark grey with its top-left corner at (top, left), blending each glyph's coverage (clipped). */
function drawText(dst: Raster, text: string, top: number, left: number): void {
  const ink = 34;
  [...text].forEach((c, i) => {
    const code = c.charCodeAt(0);
    const glyph = GLYPHS[code >= 32 && code <= 126 ? code - 32 : '?'.charCodeAt(0) - 32];
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        const a = Number.parseInt(glyph[gy * GLYPH_WIDTH + gx], 16) / 15;
        const [y, x] = [top + gy, left + i * GLYPH_WIDTH + gx];
        if (a === 0 || y < 0 || y >= dst.height || x < 0 || x >= dst.width) continue;
        const d = (y * dst.width + x) * 3;
        for (let k = 0; k < 3; k++) dst.data[d + k] = Math.round(dst.data[d + k] * (1 - a) + ink * a);
      }
    }
  });
}

/** Places legend entries left to right in rows no wider than `width`; returns each entry's (row, left) and the row count. */
function layoutLegend(labels: readonly string[], width: number): { at: [number, number][]; rows: number } {
  const at: [number, number][] = [];
  let [row, left] = [0, 0];
  for (const label of labels) {
    const w = SWATCH + 5 + textWidth(label) + 14;
    if (left > 0 && left + w > width) [row, left] = [row + 1, 0];
    at.push([row, left]);
    left += w;
  }
  return { at, rows: labels.length === 0 ? 0 : row + 1 };
}

const samePalette = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) =>
  a.length === b.length && a.every((c, k) => c.length === b[k].length && c.every((v, j) => v === b[k][j]));

/**
 * The grid of `rows` with the column headers (photo, ground truth, prediction) and a legend of the
 * class colours under it. `classNames` name the legend's entries; without them a palette that is
 * CamVid's gets CamVid's names, any other `class 0`, `class 1`, ….
 * @example await writePng('predictions.png', predictionGrid(rows, val.palette, 2, val.classNames));
 */
export function predictionGrid(
  rows: readonly GridRow[],
  palette: readonly (readonly [number, number, number])[],
  zoom = 2,
  classNames?: readonly string[],
): Raster {
  if (rows.length === 0) throw new Error('predictionGrid: no rows');
  if (classNames && classNames.length !== palette.length)
    throw new Error(`predictionGrid: ${classNames.length} class names for a palette of ${palette.length} colours`);
  const names = classNames ?? (samePalette(palette, CAMVID_PALETTE) ? CAMVID_CLASSES : palette.map((_, k) => `class ${k}`));
  const { height: h, width: w } = rows[0].image;
  const cell = [h * zoom, w * zoom];
  const width = 3 * (cell[1] + GAP) - GAP;
  const labels = [...names, 'void (ignored)'];
  const colours = [...palette, [0, 0, 0] as const];
  const legend = layoutLegend(labels, width);
  const legendTop = HEADER + rows.length * (cell[0] + GAP) + 4;
  const out = raster(legendTop + legend.rows * LEGEND_ROW, width, 3);
  out.data.fill(255);
  COLUMNS.forEach((title, j) => {
    drawText(out, title, 3, j * (cell[1] + GAP) + Math.round((cell[1] - textWidth(title)) / 2));
  });
  rows.forEach((row, i) => {
    const top = HEADER + i * (cell[0] + GAP);
    [row.image, colorizeLabels(row.truth, palette), colorizeLabels(row.prediction, palette)].forEach((pic, j) => {
      if (pic.height !== h || pic.width !== w)
        throw new Error(`predictionGrid: row ${i} has a ${pic.height}×${pic.width} picture, the first ${h}×${w}`);
      blit(out, pic, top, j * (cell[1] + GAP), zoom);
    });
  });
  labels.forEach((label, k) => {
    const [row, left] = legend.at[k];
    const top = legendTop + row * LEGEND_ROW;
    fill(out, top + 1, left, SWATCH, SWATCH, [120, 120, 120]); // a grey frame, so that white or black swatches show
    fill(out, top + 2, left + 1, SWATCH - 2, SWATCH - 2, colours[k]);
    drawText(out, label, top, left + SWATCH + 5);
  });
  return out;
}
