/**
 * Attention maps of the shipped SETR-Tiny-MLA (docs/06-decoders.md): for one CamVid validation photo,
 * three query patches — the patch most covered by a car, by road and by building (among equals the
 * most central) — and, for each of
 * the encoder's 6 blocks, where that patch looks: its row of the attention matrix, averaged over the
 * 4 heads, over the 12×16 patch grid (the cls key left out), scaled to its maximum and shown as heat
 * over the dimmed photo (the colour bar under the grid). The query patch is outlined in white.
 *
 *   npx tsx docs/scripts/draw-attention.ts            → docs/images/setr-tiny-mla-attention.png
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tidy } from '@setr-ts/autograd';
import { CAMVID_CLASSES, imagesToTensor, loadCamVid, type Raster, raster } from '@setr-ts/setr';
import { enlarge, loadShipped, panelGrid } from './panels.js';

const ZOOM = 2;
const model = await loadShipped();
const [gh, gw] = model.backbone.grid; // 12 × 16 patches of 8 × 8 pixels
const p = model.config.patchSize;
const val = await loadCamVid('data/camvid/96x128', 'val');

/** The share of each patch's pixels that carry class `k`, for picture i. */
function classShare(i: number, k: number): Float64Array {
  const { label } = val.get(i);
  const share = new Float64Array(gh * gw);
  for (let y = 0; y < label.height; y++) {
    for (let x = 0; x < label.width; x++)
      if (label.data[y * label.width + x] === k) share[Math.floor(y / p) * gw + Math.floor(x / p)] += 1 / (p * p);
  }
  return share;
}
const argmax = (a: ArrayLike<number>) => Array.prototype.indexOf.call(a, Math.max(...Array.from(a)));
/** The patch most covered by the class; among equals, the one nearest the grid's centre. */
function queryPatch(share: Float64Array): number {
  const best = Math.max(...share);
  const dist = (i: number) => (Math.floor(i / gw) - (gh - 1) / 2) ** 2 + ((i % gw) - (gw - 1) / 2) ** 2;
  return [...share.keys()].filter((i) => share[i] === best).sort((a, b) => dist(a) - dist(b))[0];
}

// the photo with the most car pixels, and in it the patch most covered by each class
const car = CAMVID_CLASSES.indexOf('Car');
const carPixels = Array.from({ length: val.length }, (_, i) => classShare(i, car).reduce((s, v) => s + v, 0));
const index = argmax(carPixels);
const queries = (['Car', 'Road', 'Building'] as const).map((name) => ({
  name,
  patch: queryPatch(classShare(index, CAMVID_CLASSES.indexOf(name))),
}));
const { image, name } = val.get(index);

// attention of every block: [1, heads, 1+N, 1+N], token 0 is the cls token
const input = imagesToTensor([image]);
const maps = tidy(() => {
  const { attention } = model.forward(input, { attention: true });
  return (attention ?? []).map((a) => a.data.mean(1).dataSync() as Float32Array); // [1, 1+N, 1+N] averaged over heads
});
input.dispose();
model.dispose();

/** Heat of `v` in [0, 1]: black → red → yellow → white. */
const heat = (v: number) => [3 * v, 3 * v - 1, 3 * v - 2].map((c) => Math.round(255 * Math.min(1, Math.max(0, c))));

/** The dimmed grey photo under the heat of one query's attention over the patch grid, the query outlined. */
function attentionPicture(map: Float32Array, query: number): Raster {
  const n = 1 + gh * gw;
  const row = map.subarray((1 + query) * n + 1, (1 + query + 1) * n); // keys 1..N: the patches
  const max = Math.max(...row);
  const out = raster(image.height, image.width, 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = y * image.width + x;
      const grey = (image.data[3 * i] + image.data[3 * i + 1] + image.data[3 * i + 2]) / 3;
      const h = heat(row[Math.floor(y / p) * gw + Math.floor(x / p)] / max);
      for (let c = 0; c < 3; c++) out.data[3 * i + c] = Math.round(0.3 * grey + 0.7 * h[c]);
    }
  }
  return outline(out, query);
}

/** Draws the query patch's border in white. */
function outline(pic: Raster, query: number): Raster {
  const [qy, qx] = [Math.floor(query / gw) * p, (query % gw) * p];
  for (let y = qy; y < qy + p; y++) {
    for (let x = qx; x < qx + p; x++) {
      if (y === qy || y === qy + p - 1 || x === qx || x === qx + p - 1) pic.data.set([255, 255, 255], (y * pic.width + x) * 3);
    }
  }
  return pic;
}

const cells = queries.map(({ patch }) => [
  enlarge(outline(raster(image.height, image.width, 3, image.data.slice()), patch), ZOOM),
  ...maps.map((m) => enlarge(attentionPicture(m, patch), ZOOM)),
]);
const png = await panelGrid(
  cells,
  [name, ...maps.map((_, b) => `block ${b + 1}`)],
  queries.map((q) => `query: ${q.name}\npatch (${Math.floor(q.patch / gw)}, ${q.patch % gw})`),
  {
    colourBar: {
      colour: (v) => heat(v) as [number, number, number],
      title: 'attention weight',
      left: '0',
      right: "the row's maximum",
    },
  },
);
const out = join(import.meta.dirname, '..', 'images', 'setr-tiny-mla-attention.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${name}; ${(png.length / 1024).toFixed(0)} kB)`);
