/**
 * What the training pipeline makes of one CamVid photo (docs/07-training.md): the original and five
 * draws of `augmentSample` with the default run's settings (random scale 0.5–2, crop to 96×128, flip
 * with p = 0.5), each padded to the crop as `TrainLoader` pads it (photo black here, labels void);
 * the label maps below in CamVid's colours, void and padding black, with the legend under them.
 *
 *   npx tsx docs/scripts/draw-augmentation.ts         → docs/images/camvid-augmentation.png
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { augmentSample, CAMVID_PALETTE, colorizeLabels, IGNORE_INDEX, loadCamVid, type Raster, Rng, raster } from '@setr-ts/setr';
import { camvidLegend, enlarge, panelGrid } from './panels.js';

const ZOOM = 2;
const train = await loadCamVid('data/camvid/96x128', 'train');
const sample = train.get(0);
const crop = [train.height, train.width] as const;

/** `src` in the top-left corner of a crop-sized raster filled with `fill`. */
function pad(src: Raster, fill: number): Raster {
  const out = raster(crop[0], crop[1], src.channels);
  out.data.fill(fill);
  for (let y = 0; y < src.height; y++)
    out.data.set(src.data.subarray(y * src.width * src.channels, (y + 1) * src.width * src.channels), y * crop[1] * src.channels);
  return out;
}

const rng = new Rng(0);
const draws = [
  sample,
  ...Array.from({ length: 5 }, () => augmentSample(sample, rng, { cropSize: crop, scaleRange: [0.5, 2], flipProb: 0.5 })),
];
const photos = draws.map((d) => enlarge(pad(d.image, 0), ZOOM));
const labels = draws.map((d) => enlarge(colorizeLabels(pad(d.label, IGNORE_INDEX), CAMVID_PALETTE), ZOOM));
const png = await panelGrid(
  [photos, labels],
  ['original', ...draws.slice(1).map((d, i) => `draw ${i + 1}: ${d.image.height}×${d.image.width}`)],
  ['photo', 'ground truth'],
  { rowLabelWidth: 100, legend: camvidLegend('void and padding (ignored)') },
);
const out = join(import.meta.dirname, '..', 'images', 'camvid-augmentation.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${sample.name}; ${(png.length / 1024).toFixed(0)} kB)`);
