/**
 * The learning rate of the default run, step by step (docs/07-training.md): the scheduler that
 * `buildOptimization` makes for `setr-tiny-mla` on CamVid (45 steps per epoch, 30 epochs), stepped
 * 1,350 times without training, as the chapter steps it. Left the whole run, right its first 200 steps,
 * where the warmup is. Drawn with Vega-Lite, rendered to SVG by Vega and to PNG by sharp.
 *
 *   npx tsx docs/scripts/draw-schedule.ts             → docs/images/lr-schedule.png
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOptimization, preset, Setr } from '@setr-ts/setr';
import * as T from '@setr-ts/tensor';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

T.setLogger(() => {});
const config = preset('setr-tiny-mla');
const t = config.train;
const stepsPerEpoch = Math.floor(367 / t.batchSize); // CamVid's 367 training pictures, the last partial batch dropped
const steps = stepsPerEpoch * t.epochs;
const model = new Setr(config);
const { scheduler } = buildOptimization(model, t, steps);
const points: { step: number; lr: number }[] = [{ step: 0, lr: scheduler.lrs[0] }];
for (let step = 1; step <= steps; step++) {
  scheduler.step();
  points.push({ step, lr: scheduler.lrs[0] });
}
model.dispose();

/** One panel: the learning rate over steps 0 … maxStep, with the end of the warmup marked. */
const line = (maxStep: number, title: string): Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number] => ({
  title,
  width: 330,
  height: 220,
  layer: [
    {
      data: { values: points.filter((p) => p.step <= maxStep) },
      mark: { type: 'line', color: '#4c78a8', strokeWidth: 2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: `optimizer step (${stepsPerEpoch} per epoch)`, scale: { domain: [0, maxStep] } },
        y: { field: 'lr', type: 'quantitative', title: 'learning rate', axis: { format: '.1e' } },
      },
    },
    {
      data: { values: [{ step: t.warmupIters, label: `end of warmup (step ${t.warmupIters})` }] },
      mark: { type: 'rule', color: '#999', strokeDash: [4, 3] },
      encoding: { x: { field: 'step', type: 'quantitative' } },
    },
    {
      data: { values: [{ step: t.warmupIters, label: `end of warmup (step ${t.warmupIters})` }] },
      mark: { type: 'text', align: 'left', dx: 5, y: 12, color: '#555', fontSize: 11 },
      encoding: { x: { field: 'step', type: 'quantitative' }, text: { field: 'label' } },
    },
  ],
});

const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: [
      `setr-tiny-mla's learning rate: a linear warmup over ${t.warmupIters} steps from ${t.warmupRatio * 100} % of ${t.lr},`,
      `then poly decay (power ${t.power}) to ${t.minLr} at step ${steps.toLocaleString('en-US')}`,
    ],
    fontSize: 13,
  },
  background: 'white',
  hconcat: [line(steps, `the whole run: ${t.epochs} epochs`), line(200, 'its first 200 steps')],
};
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
view.finalize();
const png = await sharp(Buffer.from(svg), { density: 144 }).png({ palette: true, compressionLevel: 9 }).toBuffer();
const out = join(import.meta.dirname, '..', 'images', 'lr-schedule.png');
writeFileSync(out, png);
console.log(
  `wrote ${out} (${(png.length / 1024).toFixed(0)} kB); lr after step 1: ${points[1].lr.toExponential(2)}, step ${steps - 1}: ${points[steps - 1].lr.toExponential(2)}`,
);
