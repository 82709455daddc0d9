/**
 * Predictions of the shipped SETR-Tiny-MLA on four CamVid validation photos (docs/08-evaluation.md):
 * the photo, the ground truth, the single-pass prediction, the prediction averaged over three scales
 * and the mirror image, and where the single pass is wrong (red; void pixels black, right ones grey);
 * the class colours in a legend under the grid.
 *
 *   npx tsx docs/scripts/draw-predictions.ts          → docs/images/setr-tiny-mla-predictions-tta.png
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAMVID_PALETTE, colorizeLabels, IGNORE_INDEX, imagesToTensor, loadCamVid, type Raster, raster, segment } from '@setr-ts/setr';
import { camvidLegend, enlarge, loadShipped, panelGrid } from './panels.js';

const ZOOM = 2;
const PICTURES = [0, 30, 60, 90]; // spread over the validation sequence
const model = await loadShipped();
const val = await loadCamVid('data/camvid/96x128', 'val');

const asLabels = (values: ArrayLike<number>, h: number, w: number) => raster(h, w, 1, Uint8Array.from(values));

/** Grey where the prediction is right, red where wrong, black where the truth is void. */
function errors(truth: Raster, prediction: Raster): Raster {
  const out = raster(truth.height, truth.width, 3);
  for (let i = 0; i < truth.data.length; i++) {
    const t = truth.data[i];
    out.data.set(t === IGNORE_INDEX ? [0, 0, 0] : t === prediction.data[i] ? [200, 200, 200] : [220, 20, 20], i * 3);
  }
  return out;
}

const cells: Raster[][] = [];
const rows: string[] = [];
for (const i of PICTURES) {
  const { image, label, name } = val.get(i);
  const input = imagesToTensor([image]);
  const whole = await segment(model, input);
  const tta = await segment(model, input, { scales: [0.75, 1, 1.25], flip: true });
  const [h, w] = [image.height, image.width];
  const single = asLabels(await whole.data(), h, w);
  const averaged = asLabels(await tta.data(), h, w);
  for (const t of [input, whole, tta]) t.dispose();
  cells.push(
    [
      image,
      colorizeLabels(label, CAMVID_PALETTE),
      colorizeLabels(single, CAMVID_PALETTE),
      colorizeLabels(averaged, CAMVID_PALETTE),
      errors(label, single),
    ].map((pic) => enlarge(pic, ZOOM)),
  );
  rows.push(name.replace('.png', ''));
}
model.dispose();
const png = await panelGrid(cells, ['photo', 'ground truth', 'prediction', '3 scales + flip', 'errors of the prediction'], rows, {
  rowLabelWidth: 120,
  legend: [...camvidLegend(), { colour: [200, 200, 200], label: 'errors column: right' }, { colour: [220, 20, 20], label: 'wrong' }],
});
const out = join(import.meta.dirname, '..', 'images', 'setr-tiny-mla-predictions-tta.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${(png.length / 1024).toFixed(0)} kB)`);
