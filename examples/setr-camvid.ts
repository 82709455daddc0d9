/**
 * A short SETR run on CamVid through the library API — what `setr train` does, without the CLI: load
 * the bundled 96×128 splits, take the `setr-tiny-mla` preset, shorten its schedule, and call
 * `trainSetr`, which trains, validates after every epoch, checkpoints, and at the end writes
 * `metrics.json`, `best.safetensors`, the curves and a picture of predictions into the run folder.
 * The full default run is `npm start` (30 epochs, about 16 minutes on 2 cores; docs/07-training.md).
 *
 *   npx tsx examples/setr-camvid.ts [--epochs 2]     # SETR_SMOKE=1: 16 training pictures, one epoch
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCamVid, preset, SegmentationDataset, trainSetr } from '@setr-ts/setr';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '2' } } });
const smoke = Boolean(process.env.SETR_SMOKE);

/** The first n pictures of a dataset (for the smoke run). */
function first(d: SegmentationDataset, n: number): SegmentationDataset {
  const pixels = d.height * d.width;
  return new SegmentationDataset({
    images: d.images.subarray(0, n * pixels * 3),
    labels: d.labels.subarray(0, n * pixels),
    names: d.names.slice(0, n),
    height: d.height,
    width: d.width,
    classNames: d.classNames,
    palette: d.palette,
  });
}

const trainAll = await loadCamVid('data/camvid/96x128', 'train'); // 367 pictures (paths from the repository root)
const valAll = await loadCamVid('data/camvid/96x128', 'val'); // 101 pictures
const [train, val] = smoke ? [first(trainAll, 16), first(valAll, 8)] : [trainAll, valAll];
const config = preset('setr-tiny-mla');
const epochs = smoke ? 1 : Number(values.epochs);
const out = mkdtempSync(join(tmpdir(), 'setr-camvid-'));
console.log(`setr-tiny-mla on ${train.length} training and ${val.length} validation pictures, ${epochs} epoch(s) → ${out}`);

const result = await trainSetr({
  config: { ...config, train: { ...config.train, epochs } },
  train,
  val,
  out,
  onStep: (s) => {
    if (s.batch === s.batches)
      console.log(`  epoch ${s.epoch + 1}: ${s.batches} steps, last loss ${s.loss.toFixed(3)}, ${s.imagesPerSecond.toFixed(1)} images/s`);
  },
  onEpoch: (r) => console.log(`epoch ${r.epoch}: mean loss ${r.loss.toFixed(3)}, val mIoU ${r.valMeanIoU.toFixed(4)}`),
});
console.log(`best val mIoU ${result.best?.valMeanIoU.toFixed(4)} (epoch ${result.best?.epoch}) in ${result.seconds.toFixed(0)} s`);
console.log(`run folder: ${readdirSync(out).sort().join(', ')}`);
result.model.dispose();
