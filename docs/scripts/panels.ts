/**
 * What the result figures of docs/06–08 share: the shipped checkpoint loaded as a reader loads it, and
 * a grid of equally sized pictures with a caption above each column and a label left of each row, and
 * under it, where the pictures need one, a class-colour legend or a colour bar, written as a small PNG
 * (sharp: the pictures as raw pixels, the text as an SVG laid over them, a 256-colour palette to keep
 * the file small).
 */
import { CAMVID_CLASSES, CAMVID_PALETTE, preset, type Raster, raster, Setr } from '@setr-ts/setr';
import sharp from 'sharp';

/** The checkpoint of the README's default run (setr-tiny-mla, 30 epochs on CamVid 96×128). */
export const CHECKPOINT = 'models/setr-tiny-mla-camvid/model.safetensors';

/** The shipped model in evaluation mode (its config is the `setr-tiny-mla` preset; the file's metadata carries it too). */
export async function loadShipped(): Promise<Setr> {
  const model = new Setr(preset('setr-tiny-mla'));
  await model.load(CHECKPOINT);
  return model.eval();
}

/** Each pixel of `src` as a zoom×zoom block (pictures this small are read better enlarged). */
export function enlarge(src: Raster, zoom: number): Raster {
  const out = raster(src.height * zoom, src.width * zoom, 3);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const s = (Math.floor(y / zoom) * src.width + Math.floor(x / zoom)) * src.channels;
      for (let c = 0; c < 3; c++) out.data[(y * out.width + x) * 3 + c] = src.data[s + (src.channels === 3 ? c : 0)];
    }
  }
  return out;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One entry of a class-colour legend: a swatch and its name. */
export interface LegendEntry {
  readonly colour: readonly [number, number, number];
  readonly label: string;
}

/** A horizontal colour bar: `colour(v)` for v from 0 (left) to 1 (right), a title and the labels of its ends. */
export interface ColourBar {
  readonly colour: (v: number) => readonly [number, number, number];
  readonly title: string;
  readonly left: string;
  readonly right: string;
}

/** The legend of a CamVid label map: each class's colour, and black for void (ignored) pixels, named `voidLabel`. */
export function camvidLegend(voidLabel = 'void (ignored)'): LegendEntry[] {
  return [...CAMVID_CLASSES.map((label, k) => ({ colour: CAMVID_PALETTE[k], label })), { colour: [0, 0, 0], label: voidLabel }];
}

/**
 * `cells[row][column]` (RGB rasters of one size) in a grid with column captions and row labels → PNG
 * bytes; under the grid, optionally, a class-colour legend and a colour bar.
 * @example writeFileSync('grid.png', await panelGrid([[photo, mask]], ['photo', 'mask'], ['image 0'], { legend: camvidLegend() }));
 */
export async function panelGrid(
  cells: readonly (readonly Raster[])[],
  columns: readonly string[],
  rows: readonly string[],
  opts: { rowLabelWidth?: number; gap?: number; legend?: readonly LegendEntry[]; colourBar?: ColourBar } = {},
): Promise<Uint8Array> {
  const { rowLabelWidth = 110, gap = 6, legend = [], colourBar } = opts;
  const top = 24;
  const { height: h, width: w } = cells[0][0];
  const width = rowLabelWidth + columns.length * (w + gap);
  const gridBottom = top + rows.length * (h + gap);
  // the legend: swatches and names in rows as wide as the grid
  const SWATCH = 14;
  const entryWidth = (e: LegendEntry) => SWATCH + 6 + e.label.length * 7.2 + 18;
  const placed: { e: LegendEntry; x: number; y: number }[] = [];
  let [lx, ly] = [rowLabelWidth, gridBottom + 8];
  for (const e of legend) {
    if (lx + entryWidth(e) > width && lx > rowLabelWidth) [lx, ly] = [rowLabelWidth, ly + 22];
    placed.push({ e, x: lx, y: ly });
    lx += Math.round(entryWidth(e));
  }
  const legendBottom = legend.length > 0 ? ly + 22 : gridBottom;
  const BAR = { width: Math.min(360, width - rowLabelWidth - 120), height: 12 };
  const barY = legendBottom + 22;
  const height = colourBar ? barY + BAR.height + 22 : legendBottom + (legend.length > 0 ? 4 : 0);

  const page = raster(height, width, 3);
  page.data.fill(255);
  const fill = (x0: number, y0: number, wd: number, ht: number, c: readonly number[]) => {
    for (let y = y0; y < y0 + ht; y++) for (let x = x0; x < x0 + wd; x++) page.data.set(c, (y * width + x) * 3);
  };
  cells.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (cell.height !== h || cell.width !== w)
        throw new Error(`panelGrid: cell ${r},${c} is ${cell.height}×${cell.width}, not ${h}×${w}`);
      const [y0, x0] = [top + r * (h + gap), rowLabelWidth + c * (w + gap)];
      for (let y = 0; y < h; y++) page.data.set(cell.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * width + x0) * 3);
    });
  });
  for (const { e, x, y } of placed) {
    fill(x, y, SWATCH, SWATCH, [120, 120, 120]); // a grey frame, so that white and black swatches show
    fill(x + 1, y + 1, SWATCH - 2, SWATCH - 2, e.colour);
  }
  if (colourBar) {
    const x0 = rowLabelWidth + 110;
    for (let x = 0; x < BAR.width; x++) fill(x0 + x, barY, 1, BAR.height, colourBar.colour(x / (BAR.width - 1)));
  }
  const text = [
    ...columns.map((t, c) => `<text x="${rowLabelWidth + c * (w + gap) + w / 2}" y="16" text-anchor="middle">${esc(t)}</text>`),
    ...rows.map((t, r) =>
      t
        .split('\n')
        .map(
          (line, i) => `<text x="${rowLabelWidth - 8}" y="${top + r * (h + gap) + h / 2 + i * 15}" text-anchor="end">${esc(line)}</text>`,
        )
        .join(''),
    ),
    ...placed.map(({ e, x, y }) => `<text x="${x + SWATCH + 6}" y="${y + 11}">${esc(e.label)}</text>`),
    ...(colourBar
      ? [
          `<text x="${rowLabelWidth + 100}" y="${barY + 10}" text-anchor="end">${esc(colourBar.title)}</text>`,
          `<text x="${rowLabelWidth + 110}" y="${barY + BAR.height + 14}" text-anchor="start">${esc(colourBar.left)}</text>`,
          `<text x="${rowLabelWidth + 110 + BAR.width}" y="${barY + BAR.height + 14}" text-anchor="end">${esc(colourBar.right)}</text>`,
          `<rect x="${rowLabelWidth + 110}" y="${barY}" width="${BAR.width}" height="${BAR.height}" fill="none" stroke="#555"/>`,
        ]
      : []),
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">${text.join('')}</svg>`;
  return sharp(Buffer.from(page.data), { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png({ palette: true, compressionLevel: 9 })
    .toBuffer();
}
