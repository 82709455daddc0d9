/**
 * Redraws a run's curves from its metrics.json, with the PyTorch reference points of the same recipe
 * on the mIoU panel: the figures in the README and docs are made with this, from real runs.
 *
 *   npx tsx packages/setr/scripts/draw-curves.ts runs/NAME OUT_STEM [--title TEXT]
 *   → OUT_STEM.svg and OUT_STEM.png
 *
 * The reference is SETR-Tiny-PUP trained with PyTorch 1.13 on one thread of the same machine kind, the
 * recipe of `setr-tiny-pup` on a 60-epoch schedule (AdamW 1e-3, weight decay 0.01, batch 8, poly with
 * warmup, random scale 0.5–2 with crop/pad and flip, auxiliary losses 0.4): val mIoU 0.30 after 9
 * epochs, 0.35 after 20, 0.38 after 30 and 0.45 after 53 (measured by the project, issue 9).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderCurves } from '../src/report/curves.js';
import type { RunMetrics } from '../src/train/history.js';

const PYTORCH_REFERENCE = [
  { epoch: 9, valMeanIoU: 0.3 },
  { epoch: 20, valMeanIoU: 0.35 },
  { epoch: 30, valMeanIoU: 0.38 },
  { epoch: 53, valMeanIoU: 0.45 },
];

const { positionals, values } = parseArgs({ allowPositionals: true, options: { title: { type: 'string' } } });
const [runDir, outStem] = positionals;
if (!runDir || !outStem) {
  console.error('usage: draw-curves.ts RUN_DIR OUT_STEM [--title TEXT]');
  process.exit(1);
}
const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as RunMetrics;
const { svg, png } = await renderCurves(metrics.epochs, {
  title: values.title,
  reference: { label: 'PyTorch 1.13, SETR-Tiny-PUP, 60-epoch schedule', points: PYTORCH_REFERENCE },
});
writeFileSync(`${outStem}.svg`, svg);
writeFileSync(`${outStem}.png`, png);
console.log(`wrote ${outStem}.svg and ${outStem}.png`);
