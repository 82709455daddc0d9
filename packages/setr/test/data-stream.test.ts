/**
 * Data bigger than memory (issue 22, section 2): the training loader streaming a split from disk on
 * worker threads gives the very batches the in-memory loader gives — the bundled CamVid rewritten in
 * the mmseg layout against loadCamVid, batch for batch, and the same mIoU from `setr eval` — however
 * many batches it prepares ahead and on however many workers; it resumes from its state, says which
 * file broke, and its class weights are the dataset's own. (The memory and data-wait figures are a
 * benchmark, bench/stream.ts, not a test.)
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { setBackend } from '@setr-ts/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFileBatch } from '../src/data/file-batch.js';
import {
  type Batch,
  CAMVID_CLASS_WEIGHTS,
  type FileDataset,
  loadCamVid,
  loadSplit,
  medianFrequencyWeights,
  openDataset,
  Rng,
  type SegmentationDataset,
  TrainLoader,
  type TrainLoaderOptions,
} from '../src/index.js';
import { CAMVID_96 } from './support/data-fixtures.js';
import { camVidAsMmseg, makeMmsegFolder } from './support/layout-fixtures.js';
import { setr } from './support/tiny-camvid.js';

/** A digest of an array's bytes: comparing megabytes element by element in expect() takes minutes. */
const digest = (a: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

/** The batch's indices and the digests of its values, its tensors disposed. */
function take(b: Batch) {
  const out = { images: digest(b.images.dataSync()), labels: digest(b.labels.dataSync()), indices: [...b.indices] };
  b.images.dispose();
  b.labels.dispose();
  return out;
}

const opts: TrainLoaderOptions = {
  batchSize: 8,
  seed: 3,
  backend: 'reference',
  augment: { cropSize: [64, 96], catMaxRatio: 0.75, photometric: true },
};

let mmseg: string;
let camvid: SegmentationDataset;
let onDisk: FileDataset;
beforeAll(async () => {
  mmseg = await camVidAsMmseg(CAMVID_96, ['train', 'val']);
  camvid = await loadCamVid(CAMVID_96, 'train');
  onDisk = await openDataset(mmseg, 'train');
});
afterAll(() => rmSync(mmseg, { recursive: true, force: true }));

describe('the bundled CamVid in the mmseg layout', () => {
  it('reads into memory as loadCamVid reads it', async () => {
    expect(onDisk.files.map((f) => `${f.name}.png`)).toEqual(camvid.names);
    const inMemory = await loadSplit(mmseg, 'train', { size: [96, 128] });
    expect(digest(inMemory.images)).toBe(digest(camvid.images));
    expect(digest(inMemory.labels)).toBe(digest(camvid.labels));
    expect(inMemory.classNames).toEqual(camvid.classNames);
  });

  it('streams from disk the batches the in-memory loader makes, however far ahead and on however many workers', async () => {
    const memory = new TrainLoader(camvid, opts);
    const twoWorkers = await openDataset(mmseg, 'train');
    onDisk.workers = 1;
    twoWorkers.workers = 2;
    const streams = [new TrainLoader(onDisk, { ...opts, prefetch: 1 }), new TrainLoader(twoWorkers, { ...opts, prefetch: 6 })];
    for (let i = 0; i < 4; i++) {
      const expected = take(await memory.next());
      for (const s of streams) expect(take(await s.next())).toEqual(expected);
    }
    expect(streams[1].state()).toEqual(memory.state());
    await Promise.all([onDisk.close(), twoWorkers.close()]);
  });

  it('gives the same mIoU to the shipped model as the CamVid folder', async () => {
    await setBackend('wasm');
    const model = new URL('../../../models/setr-tiny-mla-camvid/model.safetensors', import.meta.url).pathname;
    const scores = await Promise.all([CAMVID_96, mmseg].map((data) => setr('eval', '--checkpoint', model, '--data', data, '--json')));
    const [fromCamVid, fromMmseg] = scores.map((r) => JSON.parse(r.out[0]));
    expect(fromMmseg).toEqual(fromCamVid);
    expect(fromCamVid.miou).toBeGreaterThan(0.3);
  });

  it('gives the class weights of CamVid, counted from its labels', async () => {
    const fromDisk = await medianFrequencyWeights(onDisk);
    expect(fromDisk).toEqual(await medianFrequencyWeights(camvid));
    // SegNet's published weights were counted at another resolution: within 1.5 %
    for (const [c, w] of fromDisk.entries()) expect(Math.abs(w / CAMVID_CLASS_WEIGHTS[c] - 1)).toBeLessThan(0.015);
  });
});

describe('streaming pictures of different sizes', () => {
  let root: string;
  let files: FileDataset;
  const small: TrainLoaderOptions = { batchSize: 2, seed: 1, backend: 'reference', augment: { cropSize: [16, 16], scale: [24, 16] } };
  beforeAll(async () => {
    root = await makeMmsegFolder();
    files = await openDataset(root, 'train');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes on a worker the batch made on this thread', async () => {
    const loader = new TrainLoader(files, { ...small, shuffle: false });
    const fromWorker = take(await loader.next());
    const here = await makeFileBatch({
      indices: [0, 1],
      files: files.files.slice(0, 2),
      labelTable: files.labelTable,
      augment: { cropSize: [16, 16], scale: [24, 16] },
      rng: new Rng(1).split().state(),
    });
    expect(fromWorker.images).toBe(digest(here.images));
    expect(fromWorker.labels).toBe(digest(here.labels));
    await files.close();
  });

  it('resumes from a saved state bit for bit, across epochs', async () => {
    const original = new TrainLoader(files, small);
    for (let i = 0; i < 3; i++) take(await original.next()); // 2 batches an epoch: now in epoch 1
    const saved = JSON.parse(JSON.stringify(original.state()));
    expect(saved.epoch).toBe(1);
    const expected = [];
    for (let i = 0; i < 4; i++) expected.push(take(await original.next()));
    const resumed = new TrainLoader(files, small).loadState(saved);
    for (let i = 0; i < 4; i++) expect(take(await resumed.next())).toEqual(expected[i]);
    await files.close();
  });

  it('stops on a broken file with the error that names it', async () => {
    const broken = await makeMmsegFolder();
    const split = await openDataset(broken, 'train');
    writeFileSync(split.files[2].image, 'not a picture');
    const loader = new TrainLoader(split, { ...small, shuffle: false });
    take(await loader.next());
    await expect(loader.next()).rejects.toThrow(`readImage: cannot read ${split.files[2].image}: not a decodable image`);
    await split.close();
    rmSync(broken, { recursive: true, force: true });
  });

  it('needs a crop size, and refuses a bad prefetch count', () => {
    expect(() => new TrainLoader(files, { batchSize: 2, augment: false })).toThrow(/a split on disk .* needs augment\.cropSize/);
    expect(() => new TrainLoader(files, { batchSize: 2 })).toThrow(/needs augment\.cropSize/);
    expect(() => new TrainLoader(files, { ...small, prefetch: 0 })).toThrow('TrainLoader: prefetch must be a positive integer, got 0');
  });
});
