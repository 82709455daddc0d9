/**
 * Training on a dataset bigger than it is sensible to hold in memory (issue 22, section 2): generates
 * a split of several GB of PNGs in the mmseg layout — photos of noise (PNG cannot shrink them, so the
 * files are as large as the pixels, the worst case for reading and decoding) of sizes drawn between
 * 480×640 and 720×960, blocky label maps of CamVid's 11 classes — then trains SETR-Tiny on it for an
 * epoch with the streaming loader (decode, mmseg's pipeline with `scale` and `catMaxRatio`, and
 * normalisation on worker threads, batches prefetched), as `setr train --data DIR` does, and reports:
 *
 *   - the process's resident memory (the workers included: they are threads of it) over the epoch,
 *     sampled every 250 ms, and its peak, against the split's size on disk and decoded;
 *   - the share of the steps' time spent waiting for the loader (the epoch's dataWaitSeconds over its
 *     trainSeconds, as `setr train` prints them), and images per second.
 *
 * The dataset is written once into --dir (default /tmp/setr-stream-bench) and reused; delete it after.
 *
 *   npx tsx bench/stream.ts                         3 GB, setr-tiny-mla, one epoch
 *   npx tsx bench/stream.ts --gb 2 --minutes 2      a smaller dataset, a part of the epoch
 */
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setBackend } from '@setr-ts/tensor';
import sharp from 'sharp';
import { makeFileBatch } from '../src/data/file-batch.js';
import {
  CAMVID_CLASSES,
  CAMVID_PALETTE,
  type EpochRecord,
  encodePng,
  loadSplit,
  openDataset,
  preset,
  Rng,
  raster,
  type SetrConfig,
  trainSetr,
} from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: join(tmpdir(), 'setr-stream-bench') },
    gb: { type: 'string', default: '3' },
    config: { type: 'string', default: 'setr-tiny-mla' },
    minutes: { type: 'string' },
  },
});
const MB = 1024 * 1024;
const dir = args.dir as string;
const gigabytes = Number(args.gb);

/** One photo of noise and a label map of vertical bands of classes (some 255), of a drawn size. */
async function writePicture(split: string, i: number, rng: Rng): Promise<{ bytes: number; pixels: number }> {
  const h = 480 + rng.int(241);
  const w = 640 + rng.int(321);
  const photo = await sharp(randomFillSync(new Uint8Array(h * w * 3)), { raw: { width: w, height: h, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const bands = Array.from({ length: 2 + rng.int(5) }, () => (rng.bernoulli(0.1) ? 255 : rng.int(CAMVID_CLASSES.length)));
  const labels = Uint8Array.from({ length: h * w }, (_, p) => bands[Math.floor(((p % w) * bands.length) / w)]);
  const stem = String(i).padStart(6, '0');
  writeFileSync(join(dir, 'img_dir', split, `${stem}.png`), photo);
  const label = await encodePng(raster(h, w, 1, labels));
  writeFileSync(join(dir, 'ann_dir', split, `${stem}.png`), label);
  return { bytes: photo.length + label.length, pixels: h * w };
}

/** Writes the dataset unless a complete one is there; returns its size on disk and decoded (RGB + labels), in bytes. */
async function makeDataset(): Promise<{ files: number; onDisk: number; decoded: number }> {
  const done = join(dir, 'complete.json');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  for (const split of ['train', 'val']) {
    mkdirSync(join(dir, 'img_dir', split), { recursive: true });
    mkdirSync(join(dir, 'ann_dir', split), { recursive: true });
  }
  const json = { classes: CAMVID_CLASSES, palette: CAMVID_PALETTE, img_suffix: '.png', seg_map_suffix: '.png' };
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify(json));
  const rng = new Rng(0);
  for (let i = 0; i < 16; i++) await writePicture('val', i, rng);
  let onDisk = 0;
  let decoded = 0;
  let files = 0;
  const started = performance.now();
  while (onDisk < gigabytes * 1024 * MB) {
    const batch = await Promise.all(Array.from({ length: 4 }, (_, k) => writePicture('train', files + k, rng)));
    for (const b of batch) {
      onDisk += b.bytes;
      decoded += b.pixels * 4;
    }
    files += batch.length;
    if (files % 200 === 0)
      console.error(
        `  wrote ${files} pictures, ${(onDisk / 1024 / MB).toFixed(2)} GB (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
  }
  const size = { files, onDisk, decoded };
  writeFileSync(done, JSON.stringify(size));
  return size;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Resident memory now, in MB. */
const rss = () => process.memoryUsage().rss / MB;

async function main(): Promise<void> {
  const size = await makeDataset();
  const backend = await setBackend('wasm');
  const base = preset(args.config as string);
  const config: SetrConfig = {
    ...base,
    // mmseg's pipeline on pictures of ~600×800: rescaled keeping their ratio to (256, 192)·r, r in [0.5, 2], cropped to 96×128
    train: { ...base.train, epochs: 1, scale: [256, 192], catMaxRatio: 0.75 },
  };
  const train = await openDataset(dir, 'train');
  const val = await loadSplit(dir, 'val', { size: config.imgSize });
  const out = mkdtempSync(join(tmpdir(), 'setr-stream-run-'));
  console.log(
    `dataset: ${size.files} training pictures, ${(size.onDisk / 1024 / MB).toFixed(2)} GB of PNG on disk, ` +
      `${(size.decoded / 1024 / MB).toFixed(2)} GB decoded; ${args.config} on ${backend.name}, batch ${config.train.batchSize}, ` +
      `${availableParallelism()} cores, ${Math.max(1, Math.min(4, availableParallelism() - 1))} data worker(s), 4 batches prefetched`,
  );
  // the cost of a batch, made on this thread as a worker makes it: what one worker can supply
  const rng = new Rng(1);
  const timed: number[] = [];
  for (let b = 0; b < 8; b++) {
    const indices = Array.from({ length: config.train.batchSize }, () => rng.int(train.length));
    const t0 = performance.now();
    await makeFileBatch({
      indices,
      files: indices.map((i) => train.files[i]),
      labelTable: train.labelTable,
      augment: { cropSize: config.imgSize, scale: config.train.scale, catMaxRatio: config.train.catMaxRatio, flipProb: 0.5 },
      rng: rng.split().state(),
    });
    timed.push(performance.now() - t0);
  }
  console.log(
    `making a batch of ${config.train.batchSize} (read, decode, rescale, crop, flip, normalise): ${median(timed).toFixed(0)} ms on one thread (median of 8)`,
  );
  // sampled between steps (the event loop turns only there) and on a timer
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rss()), 250);
  const byStep: number[] = []; // RSS after each step
  let record: EpochRecord | undefined;
  const result = await trainSetr({
    config,
    train,
    val,
    out,
    minutes: args.minutes ? Number(args.minutes) : undefined,
    report: false,
    onNote: () => {},
    onStep: (p) => {
      byStep.push(rss());
      if (p.step % 50 === 0)
        console.error(`  step ${p.step}/${p.batches}, ${p.imagesPerSecond.toFixed(1)} img/s, RSS ${rss().toFixed(0)} MB`);
    },
    onEpoch: (r) => {
      record = r;
    },
  });
  clearInterval(sampler);
  result.model.dispose();
  rmSync(out, { recursive: true, force: true });
  const steps = byStep.length;
  const marks = [...new Set([1, 10, ...[0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * steps)))])].filter((s) => s <= steps);
  console.log(`RSS after step (MB): ${marks.map((s) => `${s}: ${byStep[s - 1].toFixed(0)}`).join(', ')}`);
  console.log(
    `peak RSS over the run: ${Math.max(...samples, ...byStep).toFixed(0)} MB (after every step, and every 250 ms where the loop is free)`,
  );
  const r = record as EpochRecord;
  const share = (100 * r.dataWaitSeconds) / r.trainSeconds;
  console.log(
    `${steps} steps: ${r.trainSeconds.toFixed(1)} s, of which ${r.dataWaitSeconds.toFixed(1)} s waiting for data (${share.toFixed(1)} %); ` +
      `${r.imagesPerSecond.toFixed(1)} img/s, ${(r.trainSeconds / steps).toFixed(3)} s a step`,
  );
}

await main();
