/**
 * The confusion matrix of the shipped SETR-Tiny-MLA on the 101 CamVid validation images
 * (docs/08-evaluation.md), each row divided by its total: row = true class, column = predicted class,
 * so the diagonal is each class's accuracy (recall) and a row's other cells say what it is mistaken
 * for. Drawn with Vega-Lite, rendered to SVG by Vega and to PNG by sharp.
 *
 *   npx tsx docs/scripts/draw-confusion.ts            → docs/images/setr-tiny-mla-confusion.png
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAMVID_CLASSES, evaluate, loadCamVid } from '@setr-ts/setr';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { loadShipped } from './panels.js';

const model = await loadShipped();
const val = await loadCamVid('data/camvid/96x128', 'val');
const { confusion, scores } = await evaluate(model, val);
model.dispose();

const k = CAMVID_CLASSES.length;
const m = confusion.counts; // k × k counts, row-major: [truth · k + prediction]
const cells = CAMVID_CLASSES.flatMap((truth, t) => {
  let total = 0;
  for (let q = 0; q < k; q++) total += m[t * k + q];
  return CAMVID_CLASSES.map((predicted, q) => ({ truth, predicted, share: total === 0 ? 0 : m[t * k + q] / total }));
});
const order = [...CAMVID_CLASSES];
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: `setr-tiny-mla on CamVid val (101 images): mIoU ${scores.meanIoU.toFixed(4)}; rows sum to 1`,
  background: 'white',
  width: 440,
  height: 440,
  data: { values: cells },
  encoding: {
    x: { field: 'predicted', type: 'nominal', sort: order, title: 'predicted class', axis: { labelAngle: -45 } },
    y: { field: 'truth', type: 'nominal', sort: order, title: 'true class' },
  },
  layer: [
    {
      mark: 'rect',
      encoding: { color: { field: 'share', type: 'quantitative', scale: { scheme: 'blues', domain: [0, 1] }, title: 'share of the row' } },
    },
    {
      mark: { type: 'text', fontSize: 10 },
      transform: [{ filter: 'datum.share >= 0.005' }],
      encoding: {
        text: { field: 'share', type: 'quantitative', format: '.2f' },
        color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
      },
    },
  ],
};
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
view.finalize();
const png = await sharp(Buffer.from(svg), { density: 120 }).png({ palette: true, compressionLevel: 9 }).toBuffer();
const out = join(import.meta.dirname, '..', 'images', 'setr-tiny-mla-confusion.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${(png.length / 1024).toFixed(0)} kB)`);
