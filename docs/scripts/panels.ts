/**
 * What the result figures of docs/06–08 share: the shipped checkpoint loaded as a reader loads it, and
 * a grid of equally sized pictures with a caption above each column and a label left of each row,
 * written as a small PNG (sharp: the pictures as raw pixels, the text as an SVG laid over them, a
 * 256-colour palette to keep the file small).
 */
import { preset, type Raster, raster, Setr } from '@setr-ts/setr';
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

/**
 * `cells[row][column]` (RGB rasters of one size) in a grid with column captions and row labels → PNG bytes.
 * @example writeFileSync('grid.png', await panelGrid([[photo, mask]], ['photo', 'mask'], ['image 0']));
 */
export async function panelGrid(
  cells: readonly (readonly Raster[])[],
  columns: readonly string[],
  rows: readonly string[],
  opts: { rowLabelWidth?: number; gap?: number } = {},
): Promise<Uint8Array> {
  const { rowLabelWidth = 110, gap = 6 } = opts;
  const top = 24;
  const { height: h, width: w } = cells[0][0];
  const width = rowLabelWidth + columns.length * (w + gap);
  const height = top + rows.length * (h + gap);
  const page = raster(height, width, 3);
  page.data.fill(255);
  cells.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (cell.height !== h || cell.width !== w)
        throw new Error(`panelGrid: cell ${r},${c} is ${cell.height}×${cell.width}, not ${h}×${w}`);
      const [y0, x0] = [top + r * (h + gap), rowLabelWidth + c * (w + gap)];
      for (let y = 0; y < h; y++) page.data.set(cell.data.subarray(y * w * 3, (y + 1) * w * 3), ((y0 + y) * width + x0) * 3);
    });
  });
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
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">${text.join('')}</svg>`;
  return sharp(Buffer.from(page.data), { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png({ palette: true, compressionLevel: 9 })
    .toBuffer();
}
