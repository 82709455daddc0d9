/**
 * Segmenting a photo of your own with the shipped checkpoint (setr-tiny-mla trained on CamVid,
 * models/setr-tiny-mla-camvid/): read any image sharp reads, segment it (in one pass, or in sliding
 * windows of 96×128 when it is larger), and write the coloured mask laid over the photo. Without an
 * argument it takes a CamVid validation photo. The model knows CamVid's 11 classes of road scenes and
 * nothing else.
 *
 *   npx tsx examples/predict-image.ts [photo.jpg] [--out overlay.png]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CAMVID_CLASSES,
  CAMVID_PALETTE,
  colorizeLabels,
  imagesToTensor,
  preset,
  type Raster,
  raster,
  readImage,
  Setr,
  segment,
  writePng,
} from '@setr-ts/setr';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
const file = positionals[0] ?? 'data/camvid/96x128/val/0016E5_08049.png';
const out = values.out ?? join(mkdtempSync(join(tmpdir(), 'setr-predict-')), `${basename(file, extname(file))}.overlay.png`);

const model = new Setr(preset('setr-tiny-mla'));
await model.load('models/setr-tiny-mla-camvid/model.safetensors');
model.eval();

const photo = await readImage(file); // RGB raster, any size
const [h, w] = model.config.imgSize;
const large = photo.height > h || photo.width > w;
const input = imagesToTensor([photo]); // normalised [1, 3, H, W]
const classes = await segment(model, input, { mode: large ? 'slide' : 'whole' }); // int32 [1, H, W]
const labels = raster(photo.height, photo.width, 1, Uint8Array.from(await classes.data()));
input.dispose();
classes.dispose();
model.dispose();

/** Each pixel half photo, half class colour. */
function overlay(picture: Raster, mask: Raster): Raster {
  const mixed = raster(picture.height, picture.width, 3);
  for (let i = 0; i < mixed.data.length; i++) mixed.data[i] = Math.round((picture.data[i] + mask.data[i]) / 2);
  return mixed;
}
await writePng(out, overlay(photo, colorizeLabels(labels, CAMVID_PALETTE)));

const counts = new Array(CAMVID_CLASSES.length).fill(0);
for (const v of labels.data) counts[v]++;
const top = counts
  .map((n, k) => [CAMVID_CLASSES[k], n / labels.data.length] as const)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 4);
console.log(`${file}: ${photo.height}×${photo.width}, ${large ? 'sliding windows' : 'one pass'}`);
console.log(`largest classes: ${top.map(([c, s]) => `${c} ${(100 * s).toFixed(1)}%`).join(', ')}`);
console.log(`overlay written: ${out}`);
